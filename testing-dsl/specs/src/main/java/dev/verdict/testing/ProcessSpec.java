package dev.verdict.testing;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.decider.TimerRequest;
import dev.verdict.testing.ProcessTimers.Scheduled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

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
 * <p><b>Time.</b> The spec has a clock ({@link #at}, the epoch unless set): each event is observed at its instant,
 * and the timers an instance asks for ({@link ProcessManager#timers}) are kept as the host keeps them – one per
 * instance and name, {@link TimerRequest.After} counted from the input's time. {@link Given#whenTimePassesTo} moves
 * the clock and fires every timer due by then, in due order, into its instance ({@link ProcessManager#onTimer}); a
 * timer of an instance that does not exist (ended) is dropped, as the host drops it.
 *
 * <pre>{@code
 * ProcessSpec.of(new PharmacyProcess(10, 100, Duration.ofHours(24)))
 *         .at(T0)
 *         .given(new ReorderRequested("aspirin", 100, 9, T0))
 *         .whenTimePassesTo(T0.plus(Duration.ofHours(24)))
 *         .then(new RequestReorder("aspirin", 10, 100, T0.plus(Duration.ofHours(24))))
 *         .thenNotScheduled("aspirin", "follow-up");
 * }</pre>
 *
 * <p>Checked on every {@code when} (the process laws): {@code react} and {@code evolve} mutate neither state nor
 * event, {@code react} on the same state and event issues equal commands twice and {@code instancesOf} names the same
 * instances twice, and the timers asked for (on an event or a firing) are equal twice – the host derives command ids
 * from the triggering event or firing, so a redelivered input must lead to the same commands and timers for the same
 * instances.
 *
 * @param <E> the events it observes
 * @param <S> its state
 * @param <C> the commands it issues
 */
public final class ProcessSpec<E, S, C> {
    private final ProcessManager<E, S, C> process;
    private final Instant now;

    private ProcessSpec(ProcessManager<E, S, C> process, Instant now) {
        this.process = process;
        this.now = now;
    }

    /** A spec of the given process manager; its clock starts at the epoch. */
    public static <E, S, C> ProcessSpec<E, S, C> of(ProcessManager<E, S, C> process) {
        return new ProcessSpec<>(Objects.requireNonNull(process, "process"), Instant.EPOCH);
    }

    /** The same spec with its clock at {@code instant}: the given events and the first {@code when} happen then. */
    public ProcessSpec<E, S, C> at(Instant instant) {
        return new ProcessSpec<>(process, Objects.requireNonNull(instant, "instant"));
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
        ProcessTimers timers = ProcessTimers.NONE;
        for (E event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            for (String instance : process.instancesOf(event)) {
                S state = states.getOrDefault(instance, process.initialState());
                timers = timers.apply(instance, List.copyOf(process.timers(state, event)), now);
                S next = process.evolve(state, event);
                if (process.ended(next)) {
                    states.remove(instance);
                } else {
                    states.put(instance, next);
                }
            }
        }
        return new Given<>(process, List.copyOf(events), Map.copyOf(states), timers, now);
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
        /** The timers scheduled and not fired yet. */
        private final ProcessTimers timers;
        /** The spec's clock. */
        private final Instant now;

        private Given(
                ProcessManager<E, S, C> process,
                List<? extends E> history,
                Map<String, S> states,
                ProcessTimers timers,
                Instant now) {
            this.process = process;
            this.history = List.copyOf(history);
            this.states = states;
            this.timers = timers;
            this.now = now;
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
            List<TimerRequest> requests = new ArrayList<>();
            Map<String, S> after = new LinkedHashMap<>();
            Map<String, S> running = new LinkedHashMap<>(states);
            ProcessTimers scheduled = timers;
            for (String instance : instances) {
                S state = running.getOrDefault(instance, process.initialState());
                List<TimerRequest> asked = new ArrayList<>();
                S next = step(
                        instance,
                        "event",
                        event,
                        state,
                        s -> process.react(s, event),
                        s -> process.timers(s, event),
                        s -> process.evolve(s, event),
                        commands,
                        asked);
                requests.addAll(asked);
                scheduled = scheduled.apply(instance, asked, now);
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
                    List.copyOf(requests),
                    List.of(),
                    after,
                    new Given<>(process, observed, Map.copyOf(running), scheduled, now));
        }

        /**
         * Time passes to {@code instant}: every timer due by then fires, in due order (then by instance and name), at
         * its due instant into its instance – {@link ProcessManager#onTimer} issues commands, {@link
         * ProcessManager#timersOnTimer} may schedule more (fired too when due by then), {@link
         * ProcessManager#evolveOnTimer} evolves the state. A timer of an instance that is not running is dropped.
         *
         * @throws IllegalArgumentException when {@code instant} is before the spec's clock
         */
        public Outcome<E, S, C> whenTimePassesTo(Instant instant) {
            Objects.requireNonNull(instant, "instant");
            if (instant.isBefore(now)) {
                throw new IllegalArgumentException("time does not go back: " + instant + " is before " + now);
            }
            return fire(instant, Optional.empty(), "time passes to " + instant);
        }

        /**
         * The timer {@code name} of {@code instance} fires, at its due instant (the clock moves there if it is later):
         * only this timer, as {@link #whenTimePassesTo} fires it.
         *
         * @throws AssertionError when no such timer is scheduled
         */
        public Outcome<E, S, C> whenTimerFires(String instance, String name) {
            Scheduled timer = timers.find(instance, name)
                    .orElseThrow(() -> report(
                                    "No timer '" + name + "' of instance '" + instance + "' is scheduled.",
                                    "timer '" + name + "' of '" + instance + "' fires")
                            .list("scheduled", timers.all(), "timer")
                            .failure());
            Instant at = timer.dueAt().isAfter(now) ? timer.dueAt() : now;
            return fire(at, Optional.of(timer), "timer '" + name + "' of '" + instance + "' fires");
        }

        private Outcome<E, S, C> fire(Instant until, Optional<Scheduled> only, String input) {
            List<C> commands = new ArrayList<>();
            List<TimerRequest> requests = new ArrayList<>();
            List<String> fired = new ArrayList<>();
            Map<String, S> after = new LinkedHashMap<>();
            Map<String, S> running = new LinkedHashMap<>(states);
            ProcessTimers scheduled = timers;
            Optional<Scheduled> next = only.isPresent() ? only : scheduled.nextDue(until);
            while (next.isPresent()) {
                Scheduled timer = next.get();
                scheduled = scheduled.without(timer);
                fired.add(timer.instance() + "." + timer.name() + "@" + timer.dueAt());
                if (running.containsKey(timer.instance())) {
                    TimerDue due = new TimerDue(timer.instance(), timer.name(), timer.dueAt());
                    List<TimerRequest> asked = new ArrayList<>();
                    S state = step(
                            timer.instance(),
                            "fired timer",
                            input,
                            running.get(timer.instance()),
                            s -> process.onTimer(s, due),
                            s -> process.timersOnTimer(s, due),
                            s -> process.evolveOnTimer(s, due),
                            commands,
                            asked);
                    requests.addAll(asked);
                    scheduled = scheduled.apply(timer.instance(), asked, timer.dueAt());
                    after.put(timer.instance(), state);
                    if (process.ended(state)) {
                        running.remove(timer.instance());
                    } else {
                        running.put(timer.instance(), state);
                    }
                }
                next = only.isPresent() ? Optional.empty() : scheduled.nextDue(until);
            }
            return new Outcome<>(
                    this,
                    input,
                    List.copyOf(commands),
                    List.copyOf(requests),
                    List.copyOf(fired),
                    after,
                    new Given<>(process, history, Map.copyOf(running), scheduled, until));
        }

        /** One instance reacts to an input (an event, a fired timer) and evolves, with the laws checked. */
        private S step(
                String instance,
                String noun,
                Object input,
                S state,
                Function<S, List<C>> react,
                Function<S, List<TimerRequest>> timersOf,
                Function<S, S> evolve,
                List<C> commands,
                List<TimerRequest> requests) {
            return new ProcessStep<>(react, timersOf, evolve)
                    .apply(instance, noun, input, state, commands, requests, this::report);
        }

        FailureReport report(String headline, Object input) {
            return FailureReport.headline(headline)
                    .list("given", history, "event")
                    .line(
                            "state before the event",
                            states.size() == 1 ? states.values().iterator().next() : states)
                    .list("timers scheduled", timers.all(), "timer")
                    .line("clock", now)
                    .line("when", input);
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
        private final Object event;
        private final List<C> commands;
        private final List<TimerRequest> requests;
        private final List<String> fired;
        private final Map<String, S> after;
        private final Given<E, S, C> next;

        private Outcome(
                Given<E, S, C> given,
                Object event,
                List<C> commands,
                List<TimerRequest> requests,
                List<String> fired,
                Map<String, S> after,
                Given<E, S, C> next) {
            this.given = given;
            this.event = event;
            this.commands = commands;
            this.requests = requests;
            this.fired = fired;
            this.after = after;
            this.next = next;
        }

        /** Expects exactly these timer requests from the input (of all instances it concerned), in this order. */
        public Outcome<E, S, C> thenTimers(TimerRequest... expected) {
            List<TimerRequest> list = List.of(expected);
            if (!requests.equals(list)) {
                throw given.report("The process asked for other timers than expected.", event)
                        .list("expected", list, "timer request")
                        .list("actual", requests, "timer request")
                        .failure(list, requests);
            }
            return this;
        }

        /** Expects the timer {@code name} of {@code instance} to be scheduled, due at {@code dueAt}, after the input. */
        public Outcome<E, S, C> thenScheduled(String instance, String name, Instant dueAt) {
            Optional<Scheduled> found = next.timers.find(instance, name);
            if (found.isEmpty() || !found.get().dueAt().equals(dueAt)) {
                throw given.report(
                                "Expected timer '" + name + "' of instance '" + instance + "' due at " + dueAt
                                        + ", but it is "
                                        + found.map(t -> "due at " + t.dueAt()).orElse("not scheduled")
                                        + ".",
                                event)
                        .list("scheduled after", next.timers.all(), "timer")
                        .failure();
            }
            return this;
        }

        /** Expects no timer {@code name} of {@code instance} to be scheduled after the input (cancelled or fired). */
        public Outcome<E, S, C> thenNotScheduled(String instance, String name) {
            Optional<Scheduled> found = next.timers.find(instance, name);
            if (found.isPresent()) {
                throw given.report(
                                "Expected no timer '" + name + "' of instance '" + instance + "', but it is due at "
                                        + found.get().dueAt() + ".",
                                event)
                        .failure();
            }
            return this;
        }

        /**
         * The timers that fired during this input ({@code <instance>.<name>@<dueAt>}, in order; empty for an event),
         * including those of instances that were not running (dropped).
         */
        public List<String> fired() {
            return fired;
        }

        /** The timer requests the input led to, in order. */
        public List<TimerRequest> timers() {
            return requests;
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
