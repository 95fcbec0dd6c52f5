package dev.verdict.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable timers of a store: schedule a named timer for an instance of an owner (a process manager and its
 * correlation key), replace or cancel it, and see which exist. A timer that falls due becomes a {@link TimerFired}
 * event on its owner's subject ({@link EventSubject#timerFired}), which a durable projection runner delivers to the
 * owner (see {@code dev.verdict.projection.timers.TimerReactions}); nothing polls.
 *
 * <p>Guarantees (the NATS implementation: {@code dev.verdict.store.nats.NatsTimers}, on the server's message
 * scheduler; docs/nats-mapping.md "Timers" names the tests):
 *
 * <ul>
 *   <li>a scheduled timer survives restarts of the service and of the server; one that fell due while either was
 *       down fires when both are back;
 *   <li>a timer fires at most once per schedule, never before its due instant, and late by at most the bound
 *       docs/nats-mapping.md states (the scheduler works in whole seconds);
 *   <li>{@link #schedule} of an existing timer replaces it (the old due instant never fires); a cancelled timer never
 *       fires. A timer whose {@link #cancel} or replacement races with its firing may still fire once: its owner
 *       decides on its own state whether the firing still matters (e.g. ignore an expiry of a completed prescription);
 *   <li>{@link #schedule} returns only once the timer is stored; a due instant at or before now fires at once.
 * </ul>
 *
 * <pre>{@code
 * Timers timers = NatsTimers.create(connection, NatsEventStoreConfig.of("pharmacy"));
 * TimerRef expiry = TimerRef.of("prescription-expiry", "rx-42", "expiry");
 * timers.schedule(expiry, Instant.parse("2027-01-31T00:00:00Z"));
 * timers.list("prescription-expiry", "rx-42");  // [ScheduledTimer[ref=..., dueAt=2027-01-31T00:00:00Z, ...]]
 * timers.cancel(expiry);                         // true: it existed and will not fire
 * }</pre>
 */
public interface Timers {

    /**
     * Schedules the timer to fall due at {@code dueAt}, replacing the timer of the same reference if one exists.
     *
     * @return the timer as stored
     * @throws EventStoreUnavailable when the store cannot be reached (the timer may or may not be stored: schedule
     *     it again, which replaces it)
     */
    ScheduledTimer schedule(TimerRef ref, Instant dueAt);

    /** Schedules the timer to fall due {@code delay} after now (the store's clock); see {@link #schedule(TimerRef, Instant)}. */
    default ScheduledTimer scheduleAfter(TimerRef ref, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        return schedule(ref, now().plus(delay));
    }

    /**
     * Cancels the timer: it will not fire (unless its firing already began, see the class's guarantees).
     *
     * @return true when a timer existed and was cancelled, false when none was scheduled (never, already fired or
     *     cancelled)
     */
    boolean cancel(TimerRef ref);

    /** The timer if it is scheduled and has not fired yet. */
    Optional<ScheduledTimer> find(TimerRef ref);

    /** The timers of one instance of an owner that have not fired yet, by due instant. */
    List<ScheduledTimer> list(String owner, String instance);

    /** The timers of every instance of an owner that have not fired yet, by due instant. */
    List<ScheduledTimer> list(String owner);

    /** The current time of this store's clock (what {@link #scheduleAfter} counts from). */
    Instant now();
}
