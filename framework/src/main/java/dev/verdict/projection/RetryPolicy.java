package dev.verdict.projection;

import java.time.Duration;

/**
 * The former name of {@link ApplyRetryPolicy}: it shared its name with the runtime's {@code
 * dev.verdict.runtime.RetryPolicy} (now {@link dev.verdict.runtime.ConflictRetryPolicy}), which re-decides a command
 * after a concurrency conflict, not a failing apply. Kept for one release so existing code compiles; {@link
 * ProjectionRunner.Builder#retryPolicy(RetryPolicy)} still takes it and behaves exactly as with {@link
 * #toApplyRetryPolicy()}.
 *
 * <pre>{@code
 * NatsProjections.runner(connection, filter, codec, projection).retryPolicy(ApplyRetryPolicy.none());
 * }</pre>
 *
 * @param maxAttempts as {@link ApplyRetryPolicy#maxAttempts()}
 * @param initialBackoff as {@link ApplyRetryPolicy#initialBackoff()}
 * @param maxBackoff as {@link ApplyRetryPolicy#maxBackoff()}
 * @param multiplier as {@link ApplyRetryPolicy#multiplier()}
 * @deprecated renamed to {@link ApplyRetryPolicy}; this alias will be removed in the next release
 */
@Deprecated(forRemoval = true)
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    public RetryPolicy {
        new ApplyRetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier); // the same rules, checked once
    }

    /** As {@link ApplyRetryPolicy#defaults()}. */
    public static RetryPolicy defaults() {
        return of(ApplyRetryPolicy.defaults());
    }

    /** As {@link ApplyRetryPolicy#none()}. */
    public static RetryPolicy none() {
        return of(ApplyRetryPolicy.none());
    }

    /** As {@link ApplyRetryPolicy#backoffAfter(int)}. */
    public Duration backoffAfter(int failedAttempt) {
        return toApplyRetryPolicy().backoffAfter(failedAttempt);
    }

    /** The policy under its new name. */
    public ApplyRetryPolicy toApplyRetryPolicy() {
        return new ApplyRetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier);
    }

    private static RetryPolicy of(ApplyRetryPolicy policy) {
        return new RetryPolicy(policy.maxAttempts(), policy.initialBackoff(), policy.maxBackoff(), policy.multiplier());
    }
}
