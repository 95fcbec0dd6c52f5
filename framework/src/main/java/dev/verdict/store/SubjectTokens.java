package dev.verdict.store;

/**
 * Validation of NATS subject tokens, shared by {@link Category}, {@link EntityId} and store names.
 *
 * <p>A token is 1–{@value #MAX_TOKEN_LENGTH} characters of ASCII letters, digits, {@code -} and {@code _}.
 * That is stricter than NATS itself: it excludes {@code .} (token separator), the wildcards {@code *} and
 * {@code >}, whitespace and control characters (which NATS forbids), and also {@code $}, non-ASCII and other
 * punctuation, so a token is always safe as a subject token, a KV key part, a consumer name part and a
 * {@code Nats-Msg-Id} part, in any client and any shell.
 */
final class SubjectTokens {
    static final int MAX_TOKEN_LENGTH = 128;

    private SubjectTokens() {}

    /**
     * Returns the token or throws {@link InvalidIdentifier} naming {@code what} and the exact problem.
     */
    static String requireToken(String what, String token) {
        if (token == null) {
            throw new InvalidIdentifier(what + " must not be null");
        }
        if (token.isEmpty()) {
            throw new InvalidIdentifier(what + " must not be empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidIdentifier(
                    what + " is " + token.length() + " characters long; at most " + MAX_TOKEN_LENGTH + " are allowed");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new InvalidIdentifier(what + " '" + printable(token) + "' contains " + describe(c) + " at index "
                        + i + "; only ASCII letters, digits, '-' and '_' are allowed");
            }
        }
        return token;
    }

    private static String describe(char c) {
        if (c == '.') {
            return "'.' (the NATS subject token separator)";
        }
        if (c == '*' || c == '>') {
            return "'" + c + "' (a NATS wildcard)";
        }
        if (Character.isWhitespace(c)) {
            return "whitespace";
        }
        if (Character.isISOControl(c)) {
            return String.format("a control character (U+%04X)", (int) c);
        }
        if (c > 127) {
            return String.format("a non-ASCII character (U+%04X)", (int) c);
        }
        return "'" + c + "'";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int limit = Math.min(s.length(), 40);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        if (s.length() > limit) {
            b.append("...");
        }
        return b.toString();
    }
}
