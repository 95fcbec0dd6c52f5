package dev.verdict.store.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Formats an {@link Instant} as ISO-8601 text exactly as {@link Instant#toString()} does ({@code
 * 2026-11-27T08:27:23.470843Z}: seconds always, the fraction in groups of three digits as needed, {@code Z}), without
 * going through {@code DateTimeFormatter}. Every event carries its time as such a header and, usually, in its
 * payload, so this runs several times per command; it costs a fraction of the formatter's time and allocates only
 * the result.
 *
 * <pre>{@code
 * String text = IsoInstant.format(Instant.parse("2026-11-27T08:27:23.470Z")); // "2026-11-27T08:27:23.470Z"
 * Instant back = IsoInstant.parse(text);                                       // the same instant
 * }</pre>
 *
 * <p>{@link #parse} reads that text back, again without {@code DateTimeFormatter}: every event read carries its time
 * as such a header.
 */
public final class IsoInstant {
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years {@code Instant#toString} prints as four digits. */
    private static final long MIN_SECOND = -62_167_219_200L;

    private static final long MAX_SECOND = 253_402_300_799L;

    private IsoInstant() {}

    /** The same text as {@code instant.toString()}. */
    public static String format(Instant instant) {
        long second = instant.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            return instant.toString(); // signed or five-digit years: rare, leave them to the JDK
        }
        int secondOfDay = (int) Math.floorMod(second, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(second, 86_400L));

        int nano = instant.getNano();
        int fractionDigits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        byte[] b = new byte[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        digits(b, 0, date.getYear(), 4);
        b[4] = '-';
        digits(b, 5, date.getMonthValue(), 2);
        b[7] = '-';
        digits(b, 8, date.getDayOfMonth(), 2);
        b[10] = 'T';
        digits(b, 11, secondOfDay / 3600, 2);
        b[13] = ':';
        digits(b, 14, secondOfDay / 60 % 60, 2);
        b[16] = ':';
        digits(b, 17, secondOfDay % 60, 2);
        int end = 19;
        if (fractionDigits > 0) {
            b[end++] = '.';
            int fraction = fractionDigits == 3 ? nano / 1_000_000 : fractionDigits == 6 ? nano / 1_000 : nano;
            digits(b, end, fraction, fractionDigits);
            end += fractionDigits;
        }
        b[end] = 'Z';
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * The instant of ISO-8601 text, as {@link Instant#parse} reads it. Text of the shape {@link #format} writes
     * ({@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1–9 digits, {@code Z}) is read directly; anything else
     * (offsets, leap seconds, signed years, invalid dates) is handed to {@code Instant.parse}, so the result and the
     * errors are exactly the JDK's.
     *
     * @throws java.time.format.DateTimeParseException when the text is not an instant
     */
    public static Instant parse(CharSequence text) {
        Instant fast = parseCommonForm(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other text or an invalid value. */
    private static Instant parseCommonForm(CharSequence t) {
        int n = t.length();
        if (n < 20
                || n > 30
                || t.charAt(n - 1) != 'Z'
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 2);
        int day = number(t, 8, 2);
        int hour = number(t, 11, 2);
        int minute = number(t, 14, 2);
        int second = number(t, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int nano = 0;
        if (n > 20) {
            int digits = n - 21;
            if (t.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            int fraction = number(t, 20, digits);
            if (fraction < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                fraction *= 10;
            }
            nano = fraction;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nano);
    }

    /** The decimal number of {@code length} ASCII digits at {@code at}, or -1 if one is not a digit. */
    private static int number(CharSequence t, int at, int length) {
        int v = 0;
        for (int i = at; i < at + length; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
