package dev.verdict.store;

/** Base of every failure an {@link EventStore} reports. Unchecked; each subclass says what a caller can do. */
public class EventStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventStoreException(String message) {
        super(message);
    }

    public EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
