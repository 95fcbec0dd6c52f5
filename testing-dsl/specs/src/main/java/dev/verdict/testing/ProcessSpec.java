package dev.verdict.testing;

import dev.verdict.decider.Process;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Given/when/then specifications for a process manager ({@link Process}): given the events it has observed, when
 * it observes one more, then it issues these commands.
 *
 * <pre>{@code
 * ProcessSpec.of(reserveOnVerify)
 *         .given(new PrescriptionOrdered("rx-1", "ibuprofen", 2))
 *         .when(new PrescriptionVerified("rx-1", "ibuprofen", 2))
 *         .then(new Reserve("ibuprofen", 2))
 *         .and()
 *         .when(new PrescriptionCancelled("rx-1"))
 *         .thenNoCommands();
 * }</pre>
 *
 * <p>Checked on every {@code when}: {@code react} and {@code evolve} mutate neither state nor event, and {@code
 * react} on the same state and event issues equal commands twice – the runtime derives command ids from the
 * triggering event, so a redelivered event must lead to the same commands.
 *
 * @param <E> the events it observes
 * @param <S> its state
 * @param <C> the commands it issues
 */
public final class ProcessSpec<E, S, C> {
    private final Process<E, S, C> process;

    private ProcessSpec(Process<E, S, C> process) {
        this.process = process;
    }

    /** A spec of the given process manager. */
    public static <E, S, C> ProcessSpec<E, S, C> of(Process<E, S, C> process) {
        return new ProcessSpec<>(Objects.requireNonNull(process, "process"));
    }

    /** The process has observed these events (its reactions to them are not checked). */
    @SafeVarargs
    public final Given<E, S, C> given(E... events) {
        List<E> list = new ArrayList<>(events.length);
        for (E element : events) {
            list.add(element);
        }
        return given(list);
    }

    /** The process has observed these events (its reactions to them are not checked). */
    public Given<E, S, C> given(List<? extends E> events) {
        Objects.requireNonNull(events, "events");
        S state = process.initialState();
        for (E event : events) {
            state = process.evolve(state, Objects.requireNonNull(event, "events must not contain null"));
        }
        return new Given<>(process, List.copyOf(events), state);
    }

    /** The process has observed nothing yet. */
    public Given<E, S, C> givenNothing() {
        return given(List.of());
    }

    /**
     * The events a process has observed and the state they produced.
     *
     * @param <E> the events it observes
     * @param <S> its state
     * @param <C> the commands it issues
     */
    public static final class Given<E, S, C> {
        private final Process<E, S, C> process;
        private final List<E> history;
        private final S state;

        private Given(Process<E, S, C> process, List<E> history, S state) {
            this.process = process;
            this.history = history;
            this.state = state;
        }

        /** The process observes this event: it reacts, then evolves. */
        public Outcome<E, S, C> when(E event) {
            Objects.requireNonNull(event, "event");
            String stateBefore = String.valueOf(state);
            String eventBefore = String.valueOf(event);
            List<C> commands;
            List<C> again;
            S next;
            try {
                commands = List.copyOf(process.react(state, event));
                again = List.copyOf(process.react(state, event));
                next = process.evolve(state, event);
            } catch (RuntimeException e) {
                throw report("The process threw while observing the event.", event)
                        .exception("thrown", e)
                        .failure(e);
            }
            if (!stateBefore.equals(String.valueOf(state)) || !eventBefore.equals(String.valueOf(event))) {
                throw report("The process mutated its state or the event; react and evolve must be pure.", event)
                        .line("state before", stateBefore)
                        .line("state after", state)
                        .failure();
            }
            if (!commands.equals(again)) {
                throw report(
                                "Reacting twice to the same event on the same state issued different commands; a"
                                        + " redelivered event would issue new commands.",
                                event)
                        .list("first", commands, "command")
                        .list("second", again, "command")
                        .failure(commands, again);
            }
            List<E> observed = new ArrayList<>(history);
            observed.add(event);
            return new Outcome<>(this, event, commands, new Given<>(process, List.copyOf(observed), next));
        }

        FailureReport report(String headline, E event) {
            return FailureReport.headline(headline)
                    .list("given", history, "event")
                    .line("state before the event", state)
                    .line("when", event);
        }
    }

    /**
     * The commands a process issued in reaction to one event.
     *
     * @param <E> the events it observes
     * @param <S> its state
     * @param <C> the commands it issues
     */
    public static final class Outcome<E, S, C> {
        private final Given<E, S, C> given;
        private final E event;
        private final List<C> commands;
        private final Given<E, S, C> next;

        private Outcome(Given<E, S, C> given, E event, List<C> commands, Given<E, S, C> next) {
            this.given = given;
            this.event = event;
            this.commands = commands;
            this.next = next;
        }

        /** Expects exactly these commands, in this order. */
        @SafeVarargs
        public final Outcome<E, S, C> then(C... expected) {
            List<C> list = new ArrayList<>(expected.length);
            for (C element : expected) {
                list.add(element);
            }
            return then(list);
        }

        /** Expects exactly these commands, in this order. */
        public Outcome<E, S, C> then(List<? extends C> expected) {
            if (!commands.equals(expected)) {
                throw given.report("The process issued other commands than expected.", event)
                        .list("expected", expected, "command")
                        .list("actual", commands, "command")
                        .differences(expected, commands, "command")
                        .failure(expected, commands);
            }
            return this;
        }

        /** Expects no reaction. */
        public Outcome<E, S, C> thenNoCommands() {
            if (!commands.isEmpty()) {
                throw given.report("Expected no commands, but the process issued " + commands.size() + ".", event)
                        .list("actual", commands, "command")
                        .failure(List.of(), commands);
            }
            return this;
        }

        /** Checks the issued commands with your own assertions. */
        public Outcome<E, S, C> thenCommandsSatisfy(Consumer<? super List<C>> check) {
            try {
                check.accept(commands);
            } catch (AssertionError e) {
                throw given.report("The issued commands do not satisfy the check: " + e.getMessage(), event)
                        .list("actual", commands, "command")
                        .failure(e);
            }
            return this;
        }

        /** Checks the process's state after the event. */
        public Outcome<E, S, C> thenState(Consumer<? super S> check) {
            try {
                check.accept(next.state);
            } catch (AssertionError e) {
                throw given.report(
                                "The process's state after the event does not satisfy the check: " + e.getMessage(),
                                event)
                        .line("state after", next.state)
                        .failure(e);
            }
            return this;
        }

        /** Continues with this event observed. */
        public Given<E, S, C> and() {
            return next;
        }

        /** The commands issued. */
        public List<C> commands() {
            return commands;
        }
    }
}
