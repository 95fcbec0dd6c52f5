package dev.verdict.runtime;

import java.time.Duration;

/**
 * The former name of {@link ConflictRetryPolicy}: it shared its name with the projection runner's {@link
 * dev.verdict.projection.RetryPolicy}, which retries a failing event, not a conflicting command. Kept for one release so
 * existing code compiles; {@link CommandRuntime.Builder#retryPolicy(RetryPolicy)} still takes it.
 *
 * <pre>{@code
 * CommandRuntime.builder(store).retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(5));
 * }</pre>
 *
 * @param maxAttempts as {@link ConflictRetryPolicy#maxAttempts()}
 * @param initialBackoff as {@link ConflictRetryPolicy#initialBackoff()}
 * @param maxBackoff as {@link ConflictRetryPolicy#maxBackoff()}
 * @deprecated renamed to {@link ConflictRetryPolicy}; this alias will be removed in the next release
 */
@Deprecated(forRemoval = true)
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        new ConflictRetryPolicy(maxAttempts, initialBackoff, maxBackoff); // the same rules, checked in one place
    }

    /** As {@link ConflictRetryPolicy#defaults()}. */
    public static RetryPolicy defaults() {
        ConflictRetryPolicy defaults = ConflictRetryPolicy.defaults();
        return new RetryPolicy(defaults.maxAttempts(), defaults.initialBackoff(), defaults.maxBackoff());
    }

    /** As {@link ConflictRetryPolicy#withMaxAttempts(int)}. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff);
    }

    /** As {@link ConflictRetryPolicy#withBackoff(Duration, Duration)}. */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max);
    }

    /** The policy under its new name. */
    public ConflictRetryPolicy toConflictRetryPolicy() {
        return new ConflictRetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }
}
