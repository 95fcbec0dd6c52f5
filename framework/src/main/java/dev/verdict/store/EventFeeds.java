package dev.verdict.store;

/** Where a projection runner gets its {@link EventFeed}s: one per partition, of one of the two kinds. */
public interface EventFeeds {

    /** A durable feed shared by every client that opens it by the same name, one pinned client served at a time. */
    EventFeed shared(FeedSpec spec);

    /** A feed of this client alone, without acknowledgements, gone when released. */
    EventFeed perInstance(FeedSpec spec);

    /**
     * The identity of the store's stream as it is now: another value after the stream was deleted and created again
     * or restored from a backup of another incarnation, whose sequences name other events. Throws {@link FeedFailure}
     * ({@link FeedFailure.Kind#STREAM_MISSING} when the stream does not exist).
     */
    String streamIdentity();

    /** Whether the connection to the store was closed for good: no feed of it can be opened again. */
    boolean closedForGood();
}
