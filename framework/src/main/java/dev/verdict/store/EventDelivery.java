package dev.verdict.store;

import java.util.Optional;

/**
 * One delivery of a recorded event from an {@link EventFeed}: where it sits in the store (stream sequence, subject),
 * how the feed delivered it (its own sequence, how often, what is still pending), its envelope, and the operations
 * that settle it. A delivery read outside a feed (a gap read, a dead letter's replay) has nothing to settle: its
 * settling operations do nothing.
 */
public interface EventDelivery {

    /** The stream sequence of the event: strictly increasing in the order the store recorded events. */
    long streamSequence();

    /**
     * The feed's own sequence of this delivery: consecutive deliveries of one feed session have consecutive numbers, so
     * a jump means a delivery was lost on the way. {@code 0} outside a feed.
     */
    long feedSequence();

    /** How often this event was delivered by the feed, this delivery included ({@code 1} for a first delivery). */
    long deliveredCount();

    /** How many matching events the feed still had to deliver after this one, as the store counted when sending it. */
    long pendingCount();

    /** The subject the event is stored under (see {@link EventSubject}). */
    String subject();

    /** The event type of the envelope, when present – also when the rest of the envelope is unreadable. */
    Optional<String> eventType();

    /**
     * The pin of the client the store delivered to, for a feed shared by several clients of which one is pinned;
     * empty otherwise. Deliveries of one pin follow each other; another pin means another client held the feed.
     */
    Optional<String> pinId();

    /**
     * Reads the envelope in the store's standard mapping; throws {@link RuntimeException} with a precise reason when
     * the delivery is not an event of the store.
     */
    RecordedEvent recorded();

    /** Confirms the delivery: the feed will not deliver the event again. */
    void ack();

    /** Tells the feed the delivery is still being worked on: it restarts its redelivery timer. */
    void inProgress();
}
