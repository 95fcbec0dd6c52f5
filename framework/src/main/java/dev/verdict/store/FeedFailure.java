package dev.verdict.store;

/**
 * A feed operation failed; {@link #kind()} says how. A runner retries each kind: the store may come back, the stream
 * may be being created again, an interrupted feed is opened again.
 */
public final class FeedFailure extends EventStoreException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The store could not be reached or did not answer. */
        UNAVAILABLE,
        /** The store answered with an error. */
        REJECTED,
        /** The stream of the events does not exist. */
        STREAM_MISSING,
        /** The feed does not exist. */
        FEED_MISSING,
        /** The store interrupted the delivery (the feed must be opened again). */
        INTERRUPTED
    }

    private final Kind kind;

    public FeedFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
