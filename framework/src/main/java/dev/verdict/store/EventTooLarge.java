package dev.verdict.store;

/** An event (payload plus headers) exceeds the server's maximum message size. Nothing of the append was stored. */
public final class EventTooLarge extends EventStoreException {
    private static final long serialVersionUID = 1L;

    public EventTooLarge(String message) {
        super(message);
    }
}
