package dev.verdict.reliability;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.store.codec.JsonEventCodec;
import java.util.List;

/**
 * The reliability suite's test domain: counters that must stay within {@code 0..LIMIT}. Small enough to check by
 * hand, rich enough to exercise every path of the runtime: single-event and two-event (atomic batch) decisions,
 * rejections, no-ops, a decider bug and an oversized event.
 */
final class BoundedCounter {
    /** The invariant: every counter's value stays within {@code 0..LIMIT} after every event. */
    static final int LIMIT = 30;

    static final JsonEventCodec<Event> CODEC = JsonEventCodec.of(Event.class);

    private BoundedCounter() {}

    sealed interface Command permits Add, AddTwice, Take, Break, Pad {}

    /** Adds {@code amount}; rejected above the limit; {@code 0} changes nothing. */
    record Add(int amount) implements Command {}

    /** Two {@link Added} events in one decision (an atomic batch). */
    record AddTwice(int amount) implements Command {}

    /** Takes {@code amount}; rejected when not enough is left. */
    record Take(int amount) implements Command {}

    /** A command the decider has a bug for: it throws a plain exception (not a rejection). */
    record Break() implements Command {}

    /** Records a filler of {@code bytes} characters: for oversized events. */
    record Pad(int bytes) implements Command {}

    sealed interface Event permits Added, Taken, Padded {}

    record Added(int amount) implements Event {}

    record Taken(int amount) implements Event {}

    record Padded(String filler) implements Event {}

    /** The state: the value and how many events made it. */
    record Counter(int value, int events) {
        static final Counter EMPTY = new Counter(0, 0);
    }

    static final class LimitReached extends DomainRejection {
        private static final long serialVersionUID = 1L;

        LimitReached(int value, int amount) {
            super("counter.limit", "cannot add " + amount + " to " + value + ": the limit is " + LIMIT);
        }
    }

    static final class NotEnough extends DomainRejection {
        private static final long serialVersionUID = 1L;

        NotEnough(int value, int amount) {
            super("counter.not-enough", "cannot take " + amount + " from " + value);
        }
    }

    static Decider<Command, Counter, Event> decider() {
        return Decider.of(Counter.EMPTY, BoundedCounter::decide, BoundedCounter::evolve);
    }

    static List<Event> decide(Command command, Counter state) {
        if (command instanceof Add add) {
            if (add.amount() == 0) {
                return List.of();
            }
            if (state.value() + add.amount() > LIMIT) {
                throw new LimitReached(state.value(), add.amount());
            }
            return List.of(new Added(add.amount()));
        }
        if (command instanceof AddTwice twice) {
            if (state.value() + 2 * twice.amount() > LIMIT) {
                throw new LimitReached(state.value(), 2 * twice.amount());
            }
            return List.of(new Added(twice.amount()), new Added(twice.amount()));
        }
        if (command instanceof Take take) {
            if (state.value() < take.amount()) {
                throw new NotEnough(state.value(), take.amount());
            }
            return List.of(new Taken(take.amount()));
        }
        if (command instanceof Pad pad) {
            return List.of(new Padded("x".repeat(pad.bytes())));
        }
        throw new IllegalStateException("bug in the counter decider: it cannot handle " + command);
    }

    static Counter evolve(Counter state, Event event) {
        if (event instanceof Added added) {
            return new Counter(state.value() + added.amount(), state.events() + 1);
        }
        if (event instanceof Taken taken) {
            return new Counter(state.value() - taken.amount(), state.events() + 1);
        }
        return new Counter(state.value(), state.events() + 1);
    }
}
