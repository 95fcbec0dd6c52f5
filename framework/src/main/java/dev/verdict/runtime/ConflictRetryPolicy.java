package dev.verdict.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often the runtime re-decides a command after a {@link dev.verdict.store.ConcurrencyConflict}, and how long it
 * waits in between. The first retry goes at once – the conflict is itself the news that another writer went first, and
 * the runtime has to read what it wrote anyway – like a hand-written optimistic loop. From the second retry on it
 * backs off exponentially with jitter: before retry {@code n >= 2} it waits a random time between half and all of
 * {@code min(maxBackoff, initialBackoff * 2^(n-2))}, so writers that keep colliding spread out instead of colliding again
 * in lockstep.
 *
 * <p>The defaults keep a writer in the race: backoffs start at 100 µs (about one round trip to a local server) and stay
 * under 2 ms, and a command gives up only after 48 appends lost to other writers. A writer whose cached state was
 * overtaken needs the missed events before it can decide again, so its retry takes two round trips (the tail, then the
 * append) where the writer that just won needs one; with the former millisecond backoffs (1 ms .. 50 ms, 12 attempts)
 * it also sat out dozens of the winner's appends per wait, and 1–5 % of its commands gave up against 7 other
 * instances (scenario 5 of docs/benchmarks.md).
 *
 * <pre>{@code
 * ConflictRetryPolicy.defaults();                      // 48 attempts, at once, then 100 µs .. 2 ms
 * ConflictRetryPolicy.defaults().withMaxAttempts(8);
 * ConflictRetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(50));
 * }</pre>
 *
 * @param maxAttempts appends tried per command, at least 1 (1 = never retry)
 * @param initialBackoff the wait ceiling before the second retry (the first goes at once)
 * @param maxBackoff the largest wait ceiling
 */
public record ConflictRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /**
     * Attempts per command unless configured: enough that a command rarely gives up against a handful of instances
     * writing one entity (scenario 5 of docs/benchmarks.md), while the backoffs of a command that does give up add up
     * to at most ≈ 90 ms.
     */
    public static final int DEFAULT_MAX_ATTEMPTS = 48;

    /** The wait ceiling before the second retry unless configured: about one round trip to a local server. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofNanos(100_000);

    /** The largest wait ceiling unless configured. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(2);

    public ConflictRetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException(
                    "backoffs must not be negative, were " + initialBackoff + " and " + maxBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff " + maxBackoff + " must not be shorter than initialBackoff " + initialBackoff);
        }
    }

    /** 48 attempts; the first retry at once, then backoff from 100 µs up to 2 ms. */
    public static ConflictRetryPolicy defaults() {
        return new ConflictRetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** The same policy with another number of attempts. */
    public ConflictRetryPolicy withMaxAttempts(int attempts) {
        return new ConflictRetryPolicy(attempts, initialBackoff, maxBackoff);
    }

    /** The same policy with other backoff bounds. */
    public ConflictRetryPolicy withBackoff(Duration initial, Duration max) {
        return new ConflictRetryPolicy(maxAttempts, initial, max);
    }

    /** The (randomized) wait before retry {@code retry}, 1-based: none before the first. */
    public Duration backoffBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, was " + retry);
        }
        if (retry == 1) {
            return Duration.ZERO;
        }
        long initialNanos = initialBackoff.toNanos();
        long ceiling = maxBackoff.toNanos();
        int shift = Math.min(retry - 2, 30);
        long cap = initialNanos > (ceiling >> shift) ? ceiling : Math.min(ceiling, initialNanos << shift);
        if (cap <= 1) {
            return Duration.ofNanos(cap);
        }
        long half = cap / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
    }
}
