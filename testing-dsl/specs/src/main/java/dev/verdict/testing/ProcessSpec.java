package dev.verdict.testing;

import dev.verdict.decider.ProcessManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Given/when/then specifications for a process manager ({@link ProcessManager}): given the events it has observed,
 * when it observes one more, then it issues these commands. Each event is applied to the instances it concerns ({@link
 * ProcessManager#instancesOf}), each with its own state, as the host does: an instance begins with its first event
 * and is gone once it {@link ProcessManager#ended ended} (a later event for its key begins a new one).
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
 * <pre>{@code
 * ProcessSpec.of(perPrescription)                                   // one instance per prescription id
 *         .given(new PrescriptionVerified("rx-1", "ibuprofen", 2))
 *         .when(new Dispensed("rx-1"))
 *         .thenNoCommands()
 *         .thenEnded("rx-1");
 * }</pre>
 *
 * <p>Checked on every {@code when} (the process laws): {@code react} and {@code evolve} mutate neither state nor
 * event, {@code react} on the same state and event issues equal commands twice and {@code instancesOf} names the same
 * instances twice – the host derives command ids from the triggering event, so a redelivered event must lead to the
 * same commands for the same instances.
 *
 * @param <E> the events it observes
 * @param <S> its state
 * @param <C> the commands it issues
 */
public final class ProcessSpec<E, S, C> {
    private final ProcessManager<E, S, C> process;

    private ProcessSpec(ProcessManager<E, S, C> process) {
        this.process = process;
    }

    /** A spec of the given process manager. */
    public static <E, S, C> ProcessSpec<E, S, C> of(ProcessManager<E, S, C> process) {
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
        Map<String, S> states = new LinkedHashMap<>();
        for (E event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            for (String instance : process.instancesOf(event)) {
                S next = process.evolve(states.getOrDefault(instance, process.initialState()), event);
                if (process.ended(next)) {
                    states.remove(instance);
                } else {
                    states.put(instance, next);
                }
            }
        }
        return new Given<>(process, List.copyOf(events), Map.copyOf(states));
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
        private final ProcessManager<E, S, C> process;
        private final List<E> history;
        /** The running instances' states. */
        private final Map<String, S> states;

        private Given(ProcessManager<E, S, C> process, List<E> history, Map<String, S> states) {
            this.process = process;
            this.history = history;
            this.states = states;
        }

        /** The process observes this event: each instance it concerns reacts, then evolves. */
        public Outcome<E, S, C> when(E event) {
            Objects.requireNonNull(event, "event");
            List<String> instances;
            try {
                instances = List.copyOf(process.instancesOf(event));
                if (!instances.equals(List.copyOf(process.instancesOf(event)))) {
                    throw report(
                                    "The instances of the same event differ between two calls; a redelivered event"
                                            + " would go to other instances.",
                                    event)
                            .failure();
                }
            } catch (RuntimeException e) {
                throw report("The process threw while naming the event's instances.", event)
                        .exception("thrown", e)
                        .failure(e);
            }
            List<C> commands = new ArrayList<>();
            Map<String, S> after = new LinkedHashMap<>();
            Map<String, S> running = new LinkedHashMap<>(states);
            for (String instance : instances) {
                S state = running.getOrDefault(instance, process.initialState());
                S next = step(instance, state, event, commands);
                after.put(instance, next);
                if (process.ended(next)) {
                    running.remove(instance);
                } else {
                    running.put(instance, next);
                }
            }
            List<E> observed = new ArrayList<>(history);
            observed.add(event);
            return new Outcome<>(
                    this,
                    event,
                    List.copyOf(commands),
                    after,
                    new Given<>(process, List.copyOf(observed), Map.copyOf(running)));
        }

        /** One instance reacts and evolves, with the laws checked. */
        private S step(String instance, S state, E event, List<C> commands) {
            String stateBefore = String.valueOf(state);
            String eventBefore = String.valueOf(event);
            List<C> first;
            List<C> again;
            S next;
            try {
                first = List.copyOf(process.react(state, event));
                again = List.copyOf(process.react(state, event));
                next = process.evolve(state, event);
            } catch (RuntimeException e) {
                throw report("The process threw while observing the event.", event)
                        .line("instance", instance)
                        .exception("thrown", e)
                        .failure(e);
            }
            if (!stateBefore.equals(String.valueOf(state)) || !eventBefore.equals(String.valueOf(event))) {
                throw report("The process mutated its state or the event; react and evolve must be pure.", event)
                        .line("instance", instance)
                        .line("state before", stateBefore)
                        .line("state after", state)
                        .failure();
            }
            if (!first.equals(again)) {
                throw report(
                                "Reacting twice to the same event on the same state issued different commands; a"
                                        + " redelivered event would issue new commands.",
                                event)
                        .line("instance", instance)
                        .list("first", first, "command")
                        .list("second", again, "command")
                        .failure(first, again);
            }
            commands.addAll(first);
            return next;
        }

        FailureReport report(String headline, E event) {
            return FailureReport.headline(headline)
                    .list("given", history, "event")
                    .line(
                            "state before the event",
                            states.size() == 1 ? states.values().iterator().next() : states)
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
        private final Map<String, S> after;
        private final Given<E, S, C> next;

        private Outcome(Given<E, S, C> given, E event, List<C> commands, Map<String, S> after, Given<E, S, C> next) {
            this.given = given;
            this.event = event;
            this.commands = commands;
            this.after = after;
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

        /**
         * Checks the state after the event of the one instance the event concerns (for a process without instances:
         * its state).
         */
        public Outcome<E, S, C> thenState(Consumer<? super S> check) {
            if (after.size() != 1) {
                throw given.report(
                                "thenState(check) needs an event of exactly one instance; this one concerns "
                                        + after.keySet() + ": use thenState(instance, check)",
                                event)
                        .failure();
            }
            return thenState(after.keySet().iterator().next(), check);
        }

        /** Checks the state of an instance after the event (the state it ended with, if it ended). */
        public Outcome<E, S, C> thenState(String instance, Consumer<? super S> check) {
            S state = after.containsKey(instance)
                    ? after.get(instance)
                    : next.states.getOrDefault(instance, next.process.initialState());
            try {
                check.accept(state);
            } catch (AssertionError e) {
                throw given.report(
                                "The process's state after the event does not satisfy the check: " + e.getMessage(),
                                event)
                        .line("instance", instance)
                        .line("state after", state)
                        .failure(e);
            }
            return this;
        }

        /** Expects the instance to have ended with this event (the host deletes its state). */
        public Outcome<E, S, C> thenEnded(String instance) {
            if (!after.containsKey(instance) || next.states.containsKey(instance)) {
                throw given.report(
                                "Expected instance '" + instance + "' to end with this event, but it "
                                        + (after.containsKey(instance) ? "goes on" : "is not concerned by it") + ".",
                                event)
                        .failure();
            }
            return this;
        }

        /** The instances running after the event, with their states. */
        public Map<String, S> instances() {
            return next.states;
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
