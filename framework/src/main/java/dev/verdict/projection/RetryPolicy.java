package dev.verdict.projection;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a failing event is retried before it is treated as poison: {@code maxAttempts}
 * attempts in all, waiting {@code initialBackoff} after the first failure, multiplied by {@code multiplier} after
 * each further failure, capped at {@code maxBackoff}. Retries happen in place (the event is not negatively
 * acknowledged), so stream order is kept; the runner tells the server the event is still in progress.
 *
 * <pre>{@code
 * RetryPolicy.defaults();                                                  // 5 attempts, 100 ms .. 5 s
 * new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2.0);  // fast, for tests
 * }</pre>
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff (" + initialBackoff
                    + ") <= maxBackoff (" + maxBackoff + ")");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1.0, was " + multiplier);
        }
    }

    /** 5 attempts, 100 ms doubling up to 5 s: about 1.5 s before an event is dead-lettered. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0);
    }

    /** One attempt: a failing event is poison at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    /** The pause after the given failed attempt (1-based). */
    public Duration backoffAfter(int failedAttempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }
}
