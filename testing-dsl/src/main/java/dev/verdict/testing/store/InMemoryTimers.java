package dev.verdict.testing.store;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.store.EventSubject;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.ScheduledTimer;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.Timers;
import dev.verdict.store.codec.TimerFiredCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Timers} in memory, driven by a {@link ManualClock}: nothing fires until the test moves time with {@link
 * #advance} or {@link #advanceTo}, which fires every timer due by then, in due order, exactly once, into the
 * projections {@link #deliverTo registered} (e.g. a {@code TimerReactions}) – the same {@link TimerFired} events the
 * NATS implementation produces, with stream-like sequences. Replacing and cancelling behave as on NATS; there is no
 * lateness and no race between a cancel and a firing. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * InMemoryTimers timers = InMemoryTimers.of(StoreName.of("pharmacy"), clock);
 * timers.deliverTo(expiryReactions);
 * timers.scheduleAfter(TimerRef.of("prescription-expiry", "rx-1", "expiry"), Duration.ofDays(30));
 * timers.advance(Duration.ofDays(30));   // fires it into expiryReactions
 * }</pre>
 */
public final class InMemoryTimers implements Timers {
    private final StoreName store;
    private final ManualClock clock;
    private final Map<TimerRef, ScheduledTimer> scheduled = new HashMap<>();
    private final List<Projection<TimerFired>> targets = new CopyOnWriteArrayList<>();
    private long sequence;

    private InMemoryTimers(StoreName store, ManualClock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Timers of a store on the given clock. */
    public static InMemoryTimers of(StoreName store, ManualClock clock) {
        return new InMemoryTimers(store, clock);
    }

    /** Fired timers are applied to this projection from now on (after the ones registered before). */
    public InMemoryTimers deliverTo(Projection<TimerFired> projection) {
        targets.add(Objects.requireNonNull(projection, "projection"));
        return this;
    }

    @Override
    public synchronized ScheduledTimer schedule(TimerRef ref, Instant dueAt) {
        ScheduledTimer t = new ScheduledTimer(
                Objects.requireNonNull(ref, "ref"), Objects.requireNonNull(dueAt, "dueAt"), clock.instant());
        scheduled.put(ref, t);
        return t;
    }

    @Override
    public synchronized boolean cancel(TimerRef ref) {
        return scheduled.remove(Objects.requireNonNull(ref, "ref")) != null;
    }

    @Override
    public synchronized Optional<ScheduledTimer> find(TimerRef ref) {
        return Optional.ofNullable(scheduled.get(ref));
    }

    @Override
    public synchronized List<ScheduledTimer> list(String owner, String instance) {
        EventSubject.timerScheduleFilter(store, owner, instance); // validates the tokens as NATS does
        return sorted(scheduled.values().stream()
                .filter(t -> t.ref().owner().equals(owner) && t.ref().instance().equals(instance))
                .toList());
    }

    @Override
    public synchronized List<ScheduledTimer> list(String owner) {
        EventSubject.timerScheduleFilter(store, owner);
        return sorted(scheduled.values().stream()
                .filter(t -> t.ref().owner().equals(owner))
                .toList());
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    /** Moves the clock forward by {@code duration} and fires what fell due; returns the fired timers in order. */
    public List<TimerFired> advance(Duration duration) {
        return advanceTo(clock.instant().plus(duration));
    }

    /**
     * Moves the clock to {@code instant}, firing each timer due by then at its due instant (the clock stands at the
     * timer's due instant while it is delivered, so a reaction that reads the clock sees it), then at {@code instant}.
     */
    public List<TimerFired> advanceTo(Instant instant) {
        if (instant.isBefore(clock.instant())) {
            throw new IllegalArgumentException("time does not go back: " + instant + " is before " + clock.instant());
        }
        List<TimerFired> fired = new ArrayList<>();
        while (true) {
            Optional<ScheduledTimer> next = nextDue(instant);
            if (next.isEmpty()) {
                break;
            }
            ScheduledTimer t = next.get();
            if (t.dueAt().isAfter(clock.instant())) {
                clock.set(t.dueAt());
            }
            TimerFired f = new TimerFired(t.ref(), t.dueAt(), t.scheduledAt());
            fired.add(f);
            deliver(f);
        }
        clock.set(instant);
        return fired;
    }

    private synchronized Optional<ScheduledTimer> nextDue(Instant until) {
        Optional<ScheduledTimer> next = scheduled.values().stream()
                .filter(t -> !t.dueAt().isAfter(until))
                .min(Comparator.comparing(ScheduledTimer::dueAt)
                        .thenComparing(t -> t.ref().id()));
        next.ifPresent(t -> scheduled.remove(t.ref()));
        return next;
    }

    private void deliver(TimerFired fired) {
        long seq;
        synchronized (this) {
            seq = ++sequence;
        }
        var encoded = TimerFiredCodec.INSTANCE.encode(fired);
        String eventId = "timer-event-" + seq;
        RecordedEvent recorded = new RecordedEvent(
                EventSubject.timerFired(store, fired.ref()).entity(),
                seq,
                clock.instant(),
                eventId,
                fired.scheduledAt(),
                encoded,
                "timer-schedule-" + seq,
                fired.ref().id(),
                Optional.empty(),
                Map.of());
        for (Projection<TimerFired> p : targets) {
            p.apply(new DeliveredEvent<>(fired, recorded));
        }
    }

    private static List<ScheduledTimer> sorted(List<ScheduledTimer> list) {
        List<ScheduledTimer> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(ScheduledTimer::dueAt)
                .thenComparing(t -> t.ref().id()));
        return out;
    }
}
