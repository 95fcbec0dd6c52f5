package dev.verdict.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often the runtime re-decides a command after a {@link dev.verdict.store.ConcurrencyConflict}, and how long it
 * waits in between: exponential backoff with jitter. Before retry {@code n} (1-based) it waits a random time between
 * half and all of {@code min(maxBackoff, initialBackoff * 2^(n-1))}, so competing processes spread out instead of
 * colliding again in lockstep.
 *
 * <pre>{@code
 * RetryPolicy.defaults();                      // 4 attempts, 2 ms .. 100 ms
 * RetryPolicy.defaults().withMaxAttempts(8);
 * RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(50));
 * }</pre>
 *
 * @param maxAttempts appends tried per command, at least 1 (1 = never retry)
 * @param initialBackoff the wait ceiling before the first retry
 * @param maxBackoff the largest wait ceiling
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** Attempts per command unless configured: enough to ride out a short burst of competing writers. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;

    public RetryPolicy {
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

    /** 4 attempts, backoff from 2 ms up to 100 ms. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(2), Duration.ofMillis(100));
    }

    /** The same policy with another number of attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff);
    }

    /** The same policy with other backoff bounds. */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max);
    }

    /** The (randomized) wait before retry {@code retry}, 1-based. */
    public Duration backoffBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, was " + retry);
        }
        long initialNanos = initialBackoff.toNanos();
        long ceiling = maxBackoff.toNanos();
        int shift = Math.min(retry - 1, 30);
        long cap = initialNanos > (ceiling >> shift) ? ceiling : Math.min(ceiling, initialNanos << shift);
        if (cap <= 1) {
            return Duration.ofNanos(cap);
        }
        long half = cap / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
    }
}
