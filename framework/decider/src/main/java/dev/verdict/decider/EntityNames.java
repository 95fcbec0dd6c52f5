package dev.verdict.decider;

import java.util.Optional;

/**
 * The one rule for the names of entities, shared by {@link EntityKey} and the store's {@code Category}, {@code
 * EntityId} and {@code EntityRef}, so an entity a decider names is one the store can hold, and the reverse.
 *
 * <p>A <em>token</em> is 1–{@value #MAX_TOKEN_LENGTH} ASCII letters, digits, {@code -} or {@code _}: always safe as a
 * NATS subject token, a KV key part, a consumer name part and a {@code Nats-Msg-Id} part. An <em>id</em> is one token
 * ({@code rx-42}); a <em>category</em> is 1–{@value #MAX_CATEGORY_TOKENS} tokens separated by {@code .} ({@code
 * prescription}, {@code billing.invoice}).
 *
 * <pre>{@code
 * EntityNames.idProblem("rx-42");            // Optional.empty()
 * EntityNames.idProblem("rx.42");            // "entity id 'rx.42' contains '.' (the NATS subject token separator) ..."
 * EntityNames.categoryProblem("billing.invoice"); // Optional.empty()
 * }</pre>
 */
public final class EntityNames {
    /** The longest token. */
    public static final int MAX_TOKEN_LENGTH = 128;

    /** At most this many tokens in a category, so subjects stay readable and filters predictable. */
    public static final int MAX_CATEGORY_TOKENS = 8;

    private EntityNames() {}

    /** What is wrong with {@code id} as an entity id (one token), or empty when it is valid. */
    public static Optional<String> idProblem(String id) {
        return tokenProblem("entity id", id);
    }

    /** What is wrong with {@code category} as a category (1–8 tokens separated by {@code .}), or empty. */
    public static Optional<String> categoryProblem(String category) {
        if (category == null) {
            return Optional.of("category must not be null");
        }
        String[] tokens = category.split("\\.", -1);
        if (tokens.length > MAX_CATEGORY_TOKENS) {
            return Optional.of("category '" + category + "' has " + tokens.length + " tokens; at most "
                    + MAX_CATEGORY_TOKENS + " are allowed");
        }
        for (String token : tokens) {
            Optional<String> problem = tokenProblem("category token in '" + category + "'", token);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with {@code token} as one token, or empty when it is valid; the message names {@code what} and the
     * exact problem.
     */
    public static Optional<String> tokenProblem(String what, String token) {
        if (token == null) {
            return Optional.of(what + " must not be null");
        }
        if (token.isEmpty()) {
            return Optional.of(what + " must not be empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Optional.of(
                    what + " is " + token.length() + " characters long; at most " + MAX_TOKEN_LENGTH + " are allowed");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return Optional.of(what + " '" + printable(token) + "' contains " + describe(c) + " at index " + i
                        + "; only ASCII letters, digits, '-' and '_' are allowed");
            }
        }
        return Optional.empty();
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
