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
 * <pre>{@code
 * ConflictRetryPolicy.defaults();                      // 12 attempts, at once, then 1 ms .. 50 ms
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
     * writing one entity (scenario 5 of docs/benchmarks.md: 8 instances on one entity gave up 3.8 % of their commands
     * with 12 attempts, 23 % with the former 4), while the backoffs of a command that does give up add up to at most
     * ≈ 0.3 s.
     */
    public static final int DEFAULT_MAX_ATTEMPTS = 12;

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

    /** 12 attempts; the first retry at once, then backoff from 1 ms up to 50 ms. */
    public static ConflictRetryPolicy defaults() {
        return new ConflictRetryPolicy(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(1), Duration.ofMillis(50));
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
