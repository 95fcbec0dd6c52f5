package dev.verdict.store;

/**
 * The store could not be reached or did not answer in time (NATS disconnected, timeout, no responders).
 *
 * <p>For an append this means the outcome is <em>unknown</em>: the events may have been stored (a publish reported
 * as failed can still be stored after a reconnect). Retrying with the same command id is safe: the server
 * deduplicates by {@code Nats-Msg-Id}.
 */
public final class EventStoreUnavailable extends EventStoreException {
    private static final long serialVersionUID = 1L;

    public EventStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
