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
 *
 * <p><b>Retry requests.</b> An operator asks for a dead letter's event to be applied again ({@code verdict dead-letters
 * retry}, {@code NatsDeadLetters.requestRetry}); the running instance that holds the event's partition {@linkplain
 * #claimRetry claims} the request, applies the event and reports the outcome ({@link #retryApplied}, {@link
 * #retryFailed}). A store that takes no retry requests keeps the defaults below: nothing is ever requested.
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

    /** Hears of retry requests: see {@link #watchRetryRequests}. Called on a thread of the store; must not block. */
    interface RetryRequests {
        /** The dead letter carries an open retry request nobody claimed yet. */
        void requested(DeadLetter letter);

        /** The dead letter of that event no longer carries an open request (claimed, answered, removed). */
        void settled(long sequence);
    }

    /**
     * Reports the projection's dead letters that carry an open retry request – those open when the watch starts, then
     * each new one – and when such a request is settled, until the returned handle is closed. A letter may be
     * reported more than once; {@link #claimRetry} decides who applies it. The default reports nothing (a store
     * without retry requests).
     *
     * @throws EventStoreException when the watch cannot be started
     */
    default AutoCloseable watchRetryRequests(String stream, String projection, RetryRequests listener) {
        return () -> {};
    }

    /**
     * Claims the open retry request of the dead letter for {@code runner}, with a compare-and-set: of several runners
     * claiming it, one gets the claim. Empty when there is nothing to claim – no such letter, no request, or the
     * request was claimed already. The default: always empty.
     *
     * @throws EventStoreException when the store cannot be reached
     */
    default Optional<RetryClaim> claimRetry(String stream, String projection, long sequence, String runner) {
        return Optional.empty();
    }

    /**
     * The claimed retry applied the event: the dead letter is removed – unless it was recorded anew after the claim
     * (then it is another failure, kept). Only for claims of {@link #claimRetry}.
     *
     * @throws EventStoreException when the store cannot be reached
     */
    default void retryApplied(RetryClaim claim) {
        throw new UnsupportedOperationException("this dead-letter store takes no retry requests");
    }

    /**
     * The claimed retry failed again: the dead letter is replaced by {@code again} (attempts and detail updated), the
     * request closed and marked as failed, so whoever waits for it learns the outcome. Only for claims of {@link
     * #claimRetry}.
     *
     * @throws EventStoreException when the store cannot be reached
     */
    default void retryFailed(RetryClaim claim, DeadLetter again) {
        throw new UnsupportedOperationException("this dead-letter store takes no retry requests");
    }
}
