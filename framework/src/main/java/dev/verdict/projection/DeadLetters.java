package dev.verdict.projection;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.BooleanSupplier;

/**
 * Where a runner records the events it could not apply, and finds them again for a replay. Two implementations: the
 * NATS key-value bucket {@link DeadLetterStore}, and {@link #inMemory()} for runners on an in-memory store. Each
 * dead letter is keyed by stream, projection and sequence: recording one again replaces it.
 */
public interface DeadLetters {

    /** Records (or replaces) a dead letter; throws {@link ProjectionFailure} when it cannot be written. */
    void record(DeadLetter letter);

    /**
     * Records a dead letter, retrying with the backoff's delays while it cannot be written, until it is recorded
     * (true) or {@code stopped} says to give up (false).
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting (nothing more is tried)
     */
    boolean recordPatiently(DeadLetter letter, RetryPolicy backoff, BooleanSupplier stopped)
            throws InterruptedException;

    /** The dead letters of the projection on the stream, in sequence order. */
    List<DeadLetter> list(String stream, String projection);

    /** The dead letter of that event, if it was recorded. */
    Optional<DeadLetter> find(String stream, String projection, long sequence);

    /** Removes the dead letter (missing is fine). */
    void remove(DeadLetter letter);

    /** Removes the dead letter of that event (missing is fine). */
    void remove(String stream, String projection, long sequence);

    /** The sequences of the projection's dead letters on the stream. */
    SortedSet<Long> sequences(String stream, String projection);

    /** Dead letters kept in this process's memory (thread-safe), for runners on an in-memory store. */
    static DeadLetters inMemory() {
        return new InMemoryDeadLetters();
    }
}
