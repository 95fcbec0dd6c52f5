package dev.verdict.examples.pharmacy.app;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes credentials out of URLs – and out of any text that contains URLs, such as an exception's message – before
 * they are logged or printed. Everything the app prints about where it connects (NATS, the read model's database)
 * goes through {@link #redact}.
 *
 * <ul>
 *   <li>User info: {@code nats://app:s3cret@host:4222} → {@code nats://app:***@host:4222}; a token alone ({@code
 *       nats://t0ken@host}) → {@code nats://***@host}.
 *   <li>Secret parameters, in a query ({@code ?password=x&user=app}) or H2/SQL-Server style ({@code ;PASSWORD=x}):
 *       the value of every key containing {@code password}, {@code passwd}, {@code pwd}, {@code secret} or {@code
 *       token} (any case) becomes {@code ***}.
 * </ul>
 *
 * <pre>{@code
 * LOG.info("connecting to {}", Redaction.redact(settings.natsUrl()));
 * }</pre>
 */
final class Redaction {
    static final String MASK = "***";

    /** {@code scheme://userinfo@}: the user info is everything between {@code //} and {@code @} before the host. */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\\s]*)@");

    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&;][A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token)[A-Za-z0-9_.-]*=)[^&;#\\s]*");

    private Redaction() {}

    /** The text with the credentials of every URL in it masked; {@code null} becomes the empty string. */
    static String redact(String text) {
        if (text == null) {
            return "";
        }
        Matcher userInfo = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (userInfo.find()) {
            String info = userInfo.group(2);
            int colon = info.indexOf(':');
            String masked = colon < 0 ? MASK : info.substring(0, colon + 1) + MASK;
            userInfo.appendReplacement(out, Matcher.quoteReplacement(userInfo.group(1) + masked + "@"));
        }
        userInfo.appendTail(out);
        return SECRET_PARAMETER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
}
