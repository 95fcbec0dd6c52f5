package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import java.util.List;

/** The test domain: a counter that never exceeds its maximum and can be closed (terminal). */
record Counter(int value, boolean closed) {
    static final int MAXIMUM = 1_000_000;

    sealed interface Command permits Add, Close, Explode {}

    /** Adds {@code amount}; 0 changes nothing. Rejected beyond {@code maximum} or when closed. */
    record Add(int amount, int maximum) implements Command {
        Add(int amount) {
            this(amount, MAXIMUM);
        }
    }

    record Close() implements Command {}

    /** A decider bug: decide throws something other than a rejection. */
    record Explode() implements Command {}

    sealed interface Event permits Added, Closed {}

    record Added(int amount) implements Event {}

    record Closed() implements Event {}

    static final class OverMaximum extends DomainRejection {
        private static final long serialVersionUID = 1L;

        OverMaximum(int value, int amount, int maximum) {
            super("counter.over-maximum", "cannot add " + amount + " to " + value + ": the maximum is " + maximum);
        }
    }

    static final class AlreadyClosed extends DomainRejection {
        private static final long serialVersionUID = 1L;

        AlreadyClosed() {
            super("counter.closed", "the counter is closed");
        }
    }

    static final Counter EMPTY = new Counter(0, false);

    static final Decider<Command, Counter, Event> DECIDER =
            Decider.of(EMPTY, Counter::decide, Counter::evolve, Counter::closed);

    static final JsonEventCodec<Event> EVENTS = JsonEventCodec.of(Event.class);

    static final JsonStateCodec<Counter> STATE = JsonStateCodec.of(Counter.class);

    static List<Event> decide(Command command, Counter state) {
        if (command instanceof Explode) {
            throw new IllegalStateException("boom");
        }
        if (command instanceof Close) {
            return state.closed ? List.of() : List.of(new Closed());
        }
        Add add = (Add) command;
        if (state.closed) {
            throw new AlreadyClosed();
        }
        if (add.amount() == 0) {
            return List.of();
        }
        if (state.value + add.amount() > add.maximum()) {
            throw new OverMaximum(state.value, add.amount(), add.maximum());
        }
        return List.of(new Added(add.amount()));
    }

    static Counter evolve(Counter state, Event event) {
        if (event instanceof Added added) {
            return new Counter(state.value + added.amount(), state.closed);
        }
        return new Counter(state.value, true);
    }
}
