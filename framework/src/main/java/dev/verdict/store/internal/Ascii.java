package dev.verdict.store.internal;

/**
 * Character checks for values that end up in NATS headers. Plain loops rather than regular expressions: they run
 * for every command and event, and a matcher costs more than the rest of the check.
 */
public final class Ascii {
    private Ascii() {}

    /** Whether {@code s} has {@code min..max} characters, each in {@code from..to} (inclusive). */
    public static boolean allBetween(String s, int min, int max, char from, char to) {
        int n = s.length();
        if (n < min || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < from || c > to) {
                return false;
            }
        }
        return true;
    }

    /** 1 to {@code maxLength} printable ASCII characters without spaces: ids and type names. */
    public static boolean isToken(String s, int maxLength) {
        return allBetween(s, 1, maxLength, '!', '~');
    }

    /** A metadata key: 1-64 ASCII letters, digits or '-', starting with a letter or digit. */
    public static boolean isMetadataKey(String s) {
        int n = s.length();
        if (n < 1 || n > 64 || s.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
