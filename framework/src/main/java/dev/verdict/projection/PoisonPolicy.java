package dev.verdict.projection;

/**
 * What a {@link ProjectionRunner} does with an event that still fails after its {@link ApplyRetryPolicy}: an unreadable
 * message, an undecodable or unknown event type, or a handler that keeps throwing.
 *
 * <pre>{@code
 * ProjectionRunner.durable(connection, "pharmacy", projection).poisonPolicy(PoisonPolicy.STOP)...
 * }</pre>
 */
public enum PoisonPolicy {
    /** Record it in the {@link dev.verdict.store.DeadLetters dead letters}, acknowledge it and continue with the next event (the default). */
    DEAD_LETTER_AND_SKIP,
    /**
     * Record it in the {@link dev.verdict.store.DeadLetters dead letters} and stop the projection, leaving the event unacknowledged: after a
     * fix, a restart retries it. Use this when skipping any event would make the read model wrong.
     */
    STOP
}
