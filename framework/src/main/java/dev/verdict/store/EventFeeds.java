package dev.verdict.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a projection runner reads from a store: its {@link EventFeed}s (one per partition, of one of the two kinds),
 * and the stream itself – the events a feed did not deliver here (gap reads), one event again (dead-letter replays),
 * the stream's end and identity, and where dead letters go. A read outside a feed delivers {@link EventDelivery}s with nothing to settle.
 */
public interface EventFeeds {

    /** A durable feed shared by every client that opens it by the same name, one pinned client served at a time. */
    EventFeed shared(FeedSpec spec);

    /** A feed of this client alone, without acknowledgements, gone when released. */
    EventFeed perInstance(FeedSpec spec);

    /**
     * Visits the events matching any of {@code subjects} from {@code fromSequence} up to {@code lastSequence}
     * (inclusive) or, when it is {@code -1}, to the end of the stream when the read began, in stream order, until the
     * visitor returns false. With a {@code lastSequence}, at least one matching event at or after {@code fromSequence}
     * must exist. Throws {@link EventStoreUnavailable} when the store does not answer in time.
     */
    void scan(List<String> subjects, long fromSequence, long lastSequence, Predicate<EventDelivery> visitor);

    /** The event stored at {@code sequence} under {@code subject}, or empty when there is none. */
    Optional<EventDelivery> readOne(String subject, long sequence);

    /** The sequence of the last event of the stream, 0 when it is empty. Throws {@link FeedFailure}. */
    long lastSequence();

    /**
     * The identity of the store's stream as it is now: another value after the stream was deleted and created again
     * or restored from a backup of another incarnation, whose sequences name other events. Throws {@link FeedFailure}
     * ({@link FeedFailure.Kind#STREAM_MISSING} when the stream does not exist).
     */
    String streamIdentity();

    /** Whether the connection to the store was closed for good: no feed of it can be opened again. */
    boolean closedForGood();

    /**
     * Where runners reading these feeds record dead letters unless told otherwise: on NATS the bucket {@code
     * verdict-dead-letters} with the stream's replica count (opened on first call; throws {@link
     * EventStoreUnavailable} when it cannot be), in the test kit a map in memory shared by the store's runners. The
     * same instance on every call.
     */
    DeadLetters deadLetters();
}
