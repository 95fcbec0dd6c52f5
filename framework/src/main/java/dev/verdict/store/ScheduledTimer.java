package dev.verdict.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A timer that exists and has not fired yet, as {@link Timers#find} and {@link Timers#list} report it.
 *
 * @param ref the timer
 * @param dueAt when it falls due, as it was asked for
 * @param scheduledAt when it was scheduled (or last replaced)
 */
public record ScheduledTimer(TimerRef ref, Instant dueAt, Instant scheduledAt) {
    public ScheduledTimer {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(scheduledAt, "scheduledAt");
    }
}
