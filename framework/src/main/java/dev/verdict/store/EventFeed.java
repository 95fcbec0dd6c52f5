package dev.verdict.store;

import java.time.Duration;
import java.util.Optional;

/**
 * A feed of the recorded events matching a {@link FeedSpec}, read in stream order by one thread. Two kinds: a
 * <i>shared</i> feed (durable, read by every instance, the store delivering to one pinned client at a time,
 * deliveries acknowledged and redelivered until they are) and a <i>per-instance</i> feed (this instance only, no
 * acknowledgements). Every operation may throw {@link FeedFailure}.
 */
public interface EventFeed {

    /** Opens (creating if needed) the feed; a feed created now starts after {@code resumeAfter}. */
    void open(long resumeAfter);

    /**
     * The next delivery, or empty when none came within {@code timeout} (possibly sooner: a pull that ended). Throws {@link FeedFailure} of kind {@link
     * FeedFailure.Kind#INTERRUPTED} when the feed must be opened again, {@link IllegalStateException} when it was
     * closed.
     */
    Optional<EventDelivery> next(Duration timeout) throws InterruptedException;

    /** The feed's state, asked from the store; {@link FeedFailure.Kind#FEED_MISSING} when it does not exist. */
    FeedState state();

    /** Whether this client is the one the store delivers to, judged from a fresh {@link #state()}. */
    boolean isActive(FeedState state, Optional<String> lastPinId);

    /** The feed's name in the store. */
    String name();

    /** Stops reading; the feed stays in the store. */
    void close();

    /**
     * Stops for good: a per-instance feed is deleted, a shared one released to the next client when it was active –
     * and only while the store still serves this client ({@code wasActive} is the caller's belief, which may be out of
     * date: the client served now keeps its pin).
     */
    void release(boolean wasActive);

    /**
     * Tells the store that every event up to {@code position} is processed, though some were delivered to a client
     * that never acknowledged them: their redeliveries are dropped. Best effort; nothing for a feed without acks.
     */
    void settleAt(long position);

    /** Deletes the feed from the store (rebuilds); missing is fine. */
    void delete();

    /**
     * Whether the last {@link #open} found another feed than the open before it (deleted and created again). False by
     * default (a per-instance feed is created by this client itself).
     */
    default boolean replacedSinceLastOpen() {
        return false;
    }

    /** Whether deliveries must be acknowledged and can be redelivered. */
    boolean acknowledged();
}
