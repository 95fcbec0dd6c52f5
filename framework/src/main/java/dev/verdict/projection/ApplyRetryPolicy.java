package dev.verdict.projection;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a projection's {@link Projection#apply apply} of a failing event is retried before the
 * event is treated as poison (see {@link PoisonPolicy}): {@code maxAttempts}
 * attempts in all, waiting {@code initialBackoff} after the first failure, multiplied by {@code multiplier} after
 * each further failure, capped at {@code maxBackoff}. Retries happen in place (the event is not negatively
 * acknowledged), so stream order is kept; the runner tells the server the event is still in progress.
 *
 * <pre>{@code
 * ApplyRetryPolicy.defaults();                                                  // 5 attempts, 100 ms .. 5 s
 * new ApplyRetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2.0);  // fast, for tests
 * }</pre>
 *
 * <p>Not to be confused with {@link dev.verdict.runtime.ConflictRetryPolicy}, which re-decides a command after a
 * concurrency conflict. Until this release the record was called {@code dev.verdict.projection.RetryPolicy}; that name
 * stays for one release, deprecated.
 *
 * @param maxAttempts applies tried per event, at least 1 (1 = poison at the first failure)
 * @param initialBackoff the wait after the first failed apply, not negative
 * @param maxBackoff the largest wait, not shorter than {@code initialBackoff}
 * @param multiplier the factor by which the wait grows after each further failure, at least 1.0
 */
public record ApplyRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    public ApplyRetryPolicy {
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
    public static ApplyRetryPolicy defaults() {
        return new ApplyRetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0);
    }

    /** One attempt: a failing event is poison at once. */
    public static ApplyRetryPolicy none() {
        return new ApplyRetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    /** The pause after the given failed attempt (1-based). */
    public Duration backoffAfter(int failedAttempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }
}
