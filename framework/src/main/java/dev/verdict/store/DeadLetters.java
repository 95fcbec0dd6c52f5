package dev.verdict.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side's port for dead letters: where a projection runner records the events it could not apply, and finds
 * them again for a replay. Each dead letter is keyed by stream, projection and sequence: recording one again replaces
 * it, so an event dead-lettered twice (after a crash, or by two instances) is listed once. The default of a runner is
 * its feeds' {@link EventFeeds#deadLetters()}: on NATS a key-value bucket ({@code
 * dev.verdict.store.nats.NatsDeadLetters}), in the test kit a map in memory.
 *
 * <pre>{@code
 * DeadLetters deadLetters = feeds.deadLetters();
 * for (DeadLetter letter : deadLetters.list("pharmacy", "prescription-list")) {
 *     log.warn("{}#{}: {}", letter.stream(), letter.sequence(), letter.detail());
 * }
 * }</pre>
 */
public interface DeadLetters {

    /** Records (or replaces) a dead letter; throws {@link EventStoreException} when it cannot be written. */
    void record(DeadLetter letter);

    /**
     * Records a dead letter, retrying while it cannot be written, until it is recorded (true) or {@code stopped} says
     * to give up (false): a leader election or an unreachable server delays a dead letter instead of losing it. The
     * pause after the n-th failed attempt is {@code pauseAfterFailure.apply(n)}; {@code stopped} is checked before
     * each attempt and at least every 100 ms while waiting. Recording is idempotent, so a write that failed on the
     * client side but reached the store does no harm when repeated.
     *
     * <pre>{@code
     * boolean recorded = deadLetters.recordPatiently(letter, retryPolicy::backoffAfter, () -> stopRequested);
     * if (!recorded) { return; } // stopping: leave the event unacknowledged, it comes again
     * }</pre>
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting (nothing more is tried)
     */
    default boolean recordPatiently(DeadLetter letter, IntFunction<Duration> pauseAfterFailure, BooleanSupplier stopped)
            throws InterruptedException {
        Objects.requireNonNull(letter, "letter");
        Objects.requireNonNull(pauseAfterFailure, "pauseAfterFailure");
        Objects.requireNonNull(stopped, "stopped");
        Logger log = LoggerFactory.getLogger(DeadLetters.class);
        for (int failures = 1; ; failures++) {
            if (stopped.getAsBoolean()) {
                return false;
            }
            try {
                record(letter);
                if (failures > 1) {
                    log.info(
                            "dead letter of projection '{}' at {}#{} recorded after {} failed attempt(s)",
                            letter.projection(),
                            letter.stream(),
                            letter.sequence(),
                            failures - 1);
                }
                return true;
            } catch (EventStoreException | IllegalStateException e) {
                Duration pause = pauseAfterFailure.apply(failures);
                log.warn(
                        "cannot record dead letter of projection '{}' at {}#{} (attempt {}): {}; retrying in {} ms",
                        letter.projection(),
                        letter.stream(),
                        letter.sequence(),
                        failures,
                        e.toString(),
                        pause.toMillis());
                long end = System.nanoTime() + pause.toNanos();
                for (long left = pause.toNanos(); left > 0; left = end - System.nanoTime()) {
                    if (stopped.getAsBoolean()) {
                        return false;
                    }
                    Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
                }
            }
        }
    }

    /** The dead letters of the projection on the stream, in sequence order. */
    List<DeadLetter> list(String stream, String projection);

    /** The dead letter of that event, if it was recorded. */
    Optional<DeadLetter> find(String stream, String projection, long sequence);

    /** Removes the dead letter (missing is fine). */
    default void remove(DeadLetter letter) {
        remove(letter.stream(), letter.projection(), letter.sequence());
    }

    /** Removes the dead letter of that event (missing is fine); throws {@link EventStoreException} when it cannot. */
    void remove(String stream, String projection, long sequence);

    /** The sequences of the projection's dead letters on the stream, ascending (cheap: no letter is read). */
    SortedSet<Long> sequences(String stream, String projection);
}
