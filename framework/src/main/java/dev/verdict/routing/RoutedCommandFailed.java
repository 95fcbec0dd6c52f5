package dev.verdict.routing;

/**
 * The owner of an entity could not decide a command forwarded to it: its runtime threw (conflict retries exhausted,
 * store unavailable, a decider bug). The message is the owner's. Whether the command's events were stored is unknown,
 * as after any failed command: send it again with the same command id to learn its outcome – it is never applied twice.
 */
public final class RoutedCommandFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RoutedCommandFailed(String message) {
        super(message);
    }
}
