package dev.verdict.store;

import dev.verdict.decider.EntityNames;

/**
 * Validation of NATS subject tokens, shared by {@link Category}, {@link EntityId}, timer references and store names:
 * the rule of {@link EntityNames} (the same one {@link dev.verdict.decider.EntityKey} applies), thrown as {@link
 * InvalidIdentifier}.
 *
 * <p>A token is 1–{@value #MAX_TOKEN_LENGTH} characters of ASCII letters, digits, {@code -} and {@code _}.
 * That is stricter than NATS itself: it excludes {@code .} (token separator), the wildcards {@code *} and
 * {@code >}, whitespace and control characters (which NATS forbids), and also {@code $}, non-ASCII and other
 * punctuation, so a token is always safe as a subject token, a KV key part, a consumer name part and a
 * {@code Nats-Msg-Id} part, in any client and any shell.
 */
final class SubjectTokens {
    static final int MAX_TOKEN_LENGTH = EntityNames.MAX_TOKEN_LENGTH;

    private SubjectTokens() {}

    /**
     * Returns the token or throws {@link InvalidIdentifier} naming {@code what} and the exact problem.
     */
    static String requireToken(String what, String token) {
        EntityNames.tokenProblem(what, token).ifPresent(problem -> {
            throw new InvalidIdentifier(problem);
        });
        return token;
    }
}
