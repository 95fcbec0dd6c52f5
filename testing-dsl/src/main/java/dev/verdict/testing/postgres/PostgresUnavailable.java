package dev.verdict.testing.postgres;

/** A throwaway PostgreSQL server could not be started although its binaries exist; the message says why. */
public final class PostgresUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PostgresUnavailable(String message) {
        super(message);
    }

    public PostgresUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
