package dev.verdict.projection;

/**
 * The projection's own storage is temporarily unreachable (a lost database connection, a serialization failure).
 * Unlike other exceptions from {@link Projection#apply}, it never makes an event a dead letter: the runner retries
 * the same event with the maximum backoff of its {@link ApplyRetryPolicy} until it succeeds or the runner is stopped.
 *
 * <pre>{@code
 * catch (SQLTransientConnectionException e) { throw new ProjectionUnavailable("database unreachable", e); }
 * }</pre>
 */
public final class ProjectionUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProjectionUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
