package dev.verdict.cli;

import java.util.regex.Pattern;

/** Keeps secrets out of what the tool prints: user info in server URLs is masked. */
final class Secrets {
    private static final Pattern USER_AND_PASSWORD = Pattern.compile("(://[^/:@\\s]*):[^/@\\s]*@");
    private static final Pattern TOKEN = Pattern.compile("(://)[^/:@\\s]+@");

    private Secrets() {}

    /** The text with {@code nats://user:secret@host} shown as {@code nats://user:***@host} (a token as {@code ***}). */
    static String redact(String text) {
        if (text == null) {
            return "";
        }
        String masked = USER_AND_PASSWORD.matcher(text).replaceAll("$1:***@");
        return TOKEN.matcher(masked).replaceAll("$1***@");
    }
}
