package dev.verdict.testing;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Given/when/then specifications for a {@link Decider}, checked in memory in microseconds.
 *
 * <pre>{@code
 * DeciderSpec.of(Account.DECIDER)
 *         .given(new Opened("alice"), new Deposited(100))
 *         .when(new Withdraw(30))
 *         .then(new Withdrawn(30))
 *         .and()
 *         .when(new Withdraw(500))
 *         .thenRejected(InsufficientFunds.class);
 * }</pre>
 *
 * <p>Verbs: start with {@link #given(Object[])} (events), {@link #givenState(Object)} or {@link #givenNothing()};
 * {@link Given#when(Object)} runs {@code decide} once; then check the {@link Outcome} with {@link Outcome#then},
 * {@link Outcome#thenNothingHappened()}, {@link Outcome#thenRejected(Class)}, {@link Outcome#thenRejected(String)},
 * {@link Outcome#thenState(Consumer)}, {@link Outcome#thenStateEquals(Object)} or {@link
 * Outcome#thenEventsSatisfy(Consumer)} – several checks may follow one {@code when}. {@link Outcome#and()}
 * continues from the history the step produced (given plus decided events; unchanged after a rejection).
 *
 * <p>Checks made on every {@code when}, whatever you assert afterwards:
 *
 * <ul>
 *   <li>{@code decide} mutated neither the state, the given events nor the command (compared by {@code toString}
 *       before and after, and the state also by {@code equals} against a fresh replay);
 *   <li>{@code decide} returned a list without {@code null}s, and {@code evolve} accepts every event it decided;
 *   <li>{@code decide} produced no events on a state for which {@code isTerminal} holds;
 *   <li>replaying the given and decided events from {@code initialState()} reproduces the state reached step by
 *       step (skipped after {@link #givenState}, whose history is unknown).
 * </ul>
 *
 * <p>A failure is an {@link org.opentest4j.AssertionFailedError} whose message reads like a bug report: the given
 * history, the state before the command, the command, the expected and the actual outcome, and a field-level
 * difference of records.
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public final class DeciderSpec<C, S, E> {
    private final Decider<C, S, E> decider;

    private DeciderSpec(Decider<C, S, E> decider) {
        this.decider = decider;
    }

    /** A spec of the given decider. */
    public static <C, S, E> DeciderSpec<C, S, E> of(Decider<C, S, E> decider) {
        return new DeciderSpec<>(Objects.requireNonNull(decider, "decider"));
    }

    /** Starts from the history of these events, folded onto {@code initialState()}. */
    @SafeVarargs
    public final Given<C, S, E> given(E... events) {
        List<E> list = new ArrayList<>(events.length);
        for (E element : events) {
            list.add(element);
        }
        return given(list);
    }

    /** Starts from the history of these events, folded onto {@code initialState()}. */
    public Given<C, S, E> given(List<? extends E> events) {
        Objects.requireNonNull(events, "events");
        List<E> history = new ArrayList<>(events.size());
        S state = decider.initialState();
        for (int i = 0; i < events.size(); i++) {
            E event = events.get(i);
            if (event == null) {
                throw FailureReport.headline("Given event " + (i + 1) + " is null; a history holds only events.")
                        .failure();
            }
            try {
                state = decider.evolve(state, event);
            } catch (RuntimeException e) {
                throw FailureReport.headline("The given history cannot be folded: evolve threw on given event "
                                + (i + 1) + ". A spec can only start from a history the decider accepts.")
                        .list("given", events, "event")
                        .line("state before that event", state)
                        .line("event", event)
                        .exception("evolve threw", e)
                        .failure(e);
            }
            history.add(event);
        }
        return new Given<>(decider, true, Optional.empty(), history, state);
    }

    /**
     * Starts from this state, e.g. one that is tedious to reach by events. The replay check is skipped, since the
     * state's history is unknown.
     */
    public Given<C, S, E> givenState(S state) {
        Objects.requireNonNull(state, "state");
        return new Given<>(decider, false, Optional.of(state), List.of(), state);
    }

    /** Starts from {@code initialState()}, with no events. */
    public Given<C, S, E> givenNothing() {
        return given(List.of());
    }

    /**
     * A history to act on: the state and how it was reached.
     *
     * @param <C> command type
     * @param <S> state type
     * @param <E> event type
     */
    public static final class Given<C, S, E> {
        private final Decider<C, S, E> decider;
        private final boolean fromInitialState;
        private final Optional<S> givenState;
        private final List<E> history;
        private final S state;

        private Given(
                Decider<C, S, E> decider, boolean fromInitialState, Optional<S> givenState, List<E> history, S state) {
            this.decider = decider;
            this.fromInitialState = fromInitialState;
            this.givenState = givenState;
            this.history = List.copyOf(history);
            this.state = state;
        }

        /** The state this history reached. */
        public S state() {
            return state;
        }

        /** The events of this history (after the given state, if the spec started from one). */
        public List<E> history() {
            return history;
        }

        /**
         * Decides the command on this history, runs the built-in checks and returns the outcome to assert on.
         *
         * @throws org.opentest4j.AssertionFailedError when a built-in check fails
         */
        public Outcome<C, S, E> when(C command) {
            Objects.requireNonNull(command, "command");
            String stateBefore = String.valueOf(state);
            String commandBefore = String.valueOf(command);
            List<String> historyBefore = history.stream().map(String::valueOf).toList();

            List<E> decided = List.of();
            Optional<DomainRejection> rejection = Optional.empty();
            Optional<Throwable> failure = Optional.empty();
            try {
                List<E> result = decider.decide(command, state);
                if (result == null) {
                    throw report("decide returned null; return an empty list when nothing happens.", command)
                            .failure();
                }
                for (E event : result) {
                    if (event == null) {
                        throw report("decide returned a list containing null; events are values.", command)
                                .line("decided", result)
                                .failure();
                    }
                }
                decided = List.copyOf(result);
            } catch (DomainRejection r) {
                rejection = Optional.of(r);
            } catch (org.opentest4j.AssertionFailedError e) {
                throw e;
            } catch (RuntimeException | AssertionError | LinkageError e) {
                failure = Optional.of(e);
            }

            checkNotMutated(command, stateBefore, commandBefore, historyBefore);
            if (!decided.isEmpty() && decider.isTerminal(state)) {
                throw report(
                                "decide produced events on a terminal state; isTerminal promises that no command"
                                        + " changes this state any more.",
                                command)
                        .list("decided", decided, "event")
                        .failure();
            }
            S after = state;
            for (int i = 0; i < decided.size(); i++) {
                E event = decided.get(i);
                try {
                    after = decider.evolve(after, event);
                } catch (RuntimeException e) {
                    throw report(
                                    "evolve threw on event " + (i + 1) + " that decide produced; evolve must accept"
                                            + " every event decide decides.",
                                    command)
                            .list("decided", decided, "event")
                            .exception("evolve threw", e)
                            .failure(e);
                }
            }
            List<E> newHistory = new ArrayList<>(history);
            newHistory.addAll(decided);
            checkReplay(command, decided, after, newHistory);
            Given<C, S, E> next = new Given<>(decider, fromInitialState, givenState, newHistory, after);
            return new Outcome<>(this, command, decided, rejection, failure, next);
        }

        private void checkNotMutated(C command, String stateBefore, String commandBefore, List<String> historyBefore) {
            if (!stateBefore.equals(String.valueOf(state))) {
                throw report("decide mutated the state it was given; decide must be pure.", command)
                        .line("state before decide", stateBefore)
                        .line("state after decide", state)
                        .failure(stateBefore, String.valueOf(state));
            }
            if (!commandBefore.equals(String.valueOf(command))) {
                throw report("decide mutated the command it was given; decide must be pure.", command)
                        .line("command before decide", commandBefore)
                        .failure(commandBefore, String.valueOf(command));
            }
            List<String> historyAfter = history.stream().map(String::valueOf).toList();
            if (!historyBefore.equals(historyAfter)) {
                throw report("decide mutated a given event; events are immutable facts.", command)
                        .list("given events before decide", historyBefore, "event")
                        .failure(historyBefore, historyAfter);
            }
            if (fromInitialState) {
                S replayed = decider.fold(decider.initialState(), history);
                if (!Objects.equals(replayed, state)) {
                    throw report(
                                    "the state differs from a fresh replay of the given events: evolve is not"
                                            + " deterministic, or decide or evolve mutate shared state.",
                                    command)
                            .line("replayed state", replayed)
                            .lines("difference", RecordDiff.between(replayed, state))
                            .failure(replayed, state);
                }
            }
        }

        private void checkReplay(C command, List<E> decided, S after, List<E> newHistory) {
            S replayed;
            String what;
            if (fromInitialState) {
                replayed = decider.fold(decider.initialState(), newHistory);
                what = "replaying the given and decided events from initialState()";
            } else {
                replayed = decider.fold(givenState.orElseThrow(), newHistory);
                what = "replaying the events from the given state";
            }
            if (!Objects.equals(replayed, after)) {
                throw report(
                                what + " does not reproduce the state reached step by step: evolve is not"
                                        + " deterministic or the state's equals is broken.",
                                command)
                        .list("decided", decided, "event")
                        .line("state step by step", after)
                        .line("state replayed", replayed)
                        .lines("difference", RecordDiff.between(after, replayed))
                        .failure(after, replayed);
            }
        }

        FailureReport report(String headline, C command) {
            FailureReport r = FailureReport.headline(headline);
            givenState.ifPresent(s -> r.line("given state", s));
            if (givenState.isPresent()) {
                r.list("events since the given state", history, "event");
            } else {
                r.list("given", history, "event");
            }
            return r.line("state before the command", state).line("when", command);
        }
    }

    /**
     * What {@code decide} did with one command: events, a rejection, or an unexpected exception. Each {@code then}
     * verb returns this outcome, so several checks can follow each other.
     *
     * @param <C> command type
     * @param <S> state type
     * @param <E> event type
     */
    public static final class Outcome<C, S, E> {
        private final Given<C, S, E> given;
        private final C command;
        private final List<E> events;
        private final Optional<DomainRejection> rejection;
        private final Optional<Throwable> failure;
        private final Given<C, S, E> next;

        private Outcome(
                Given<C, S, E> given,
                C command,
                List<E> events,
                Optional<DomainRejection> rejection,
                Optional<Throwable> failure,
                Given<C, S, E> next) {
            this.given = given;
            this.command = command;
            this.events = events;
            this.rejection = rejection;
            this.failure = failure;
            this.next = next;
        }

        /** Expects exactly these events, in this order. {@code then()} with no events expects none. */
        @SafeVarargs
        public final Outcome<C, S, E> then(E... expected) {
            List<E> list = new ArrayList<>(expected.length);
            for (E element : expected) {
                list.add(element);
            }
            return then(list);
        }

        /** Expects exactly these events, in this order. */
        public Outcome<C, S, E> then(List<? extends E> expected) {
            Objects.requireNonNull(expected, "expected");
            requireDecided(count(expected.size()), Optional.of(expected));
            if (!events.equals(expected)) {
                throw given.report(
                                "Expected " + count(expected.size()) + " but decide produced different ones.", command)
                        .list("expected", expected, "event")
                        .list("actual", events, "event")
                        .differences(expected, events, "event")
                        .failure(expected, events);
            }
            return this;
        }

        /** Expects the command to be accepted without events: nothing to do, nothing written. */
        public Outcome<C, S, E> thenNothingHappened() {
            requireDecided("nothing to happen", Optional.of(List.of()));
            if (!events.isEmpty()) {
                throw given.report(
                                "Expected nothing to happen, but decide produced " + count(events.size()) + ".",
                                command)
                        .list("actual", events, "event")
                        .failure(List.of(), events);
            }
            return this;
        }

        /** Expects a rejection of this type (or a subtype). */
        public Outcome<C, S, E> thenRejected(Class<? extends DomainRejection> type) {
            Objects.requireNonNull(type, "type");
            DomainRejection r = requireRejection(type.getSimpleName());
            if (!type.isInstance(r)) {
                throw given.report(
                                "Expected a rejection " + type.getSimpleName() + ", but it was rejected with "
                                        + r.getClass().getSimpleName() + ".",
                                command)
                        .line("expected", type.getName())
                        .line("actual", r)
                        .failure(type.getName(), r.getClass().getName());
            }
            return this;
        }

        /** Expects a rejection with this {@link DomainRejection#code()}. */
        public Outcome<C, S, E> thenRejected(String code) {
            Objects.requireNonNull(code, "code");
            DomainRejection r = requireRejection("with code '" + code + "'");
            if (!r.code().equals(code)) {
                throw given.report(
                                "Expected a rejection with code '" + code + "', but the code was '" + r.code() + "'.",
                                command)
                        .line("expected code", code)
                        .line("actual", r)
                        .failure(code, r.code());
            }
            return this;
        }

        /** Expects a rejection and checks it further, e.g. its message or fields. */
        public <R extends DomainRejection> Outcome<C, S, E> thenRejected(Class<R> type, Consumer<? super R> check) {
            thenRejected(type);
            check.accept(type.cast(rejection.orElseThrow()));
            return this;
        }

        /**
         * Checks the state after the given history and the decided events (the given state after a rejection), e.g.
         * with AssertJ.
         */
        public Outcome<C, S, E> thenState(Consumer<? super S> check) {
            Objects.requireNonNull(check, "check");
            requireNoFailure("a state");
            try {
                check.accept(next.state());
            } catch (AssertionError e) {
                throw given.report("The state after the command does not satisfy the check: " + e.getMessage(), command)
                        .list("decided", events, "event")
                        .line("state after", next.state())
                        .failure(e);
            }
            return this;
        }

        /** Expects the state after the given history and the decided events to equal this one. */
        public Outcome<C, S, E> thenStateEquals(S expected) {
            requireNoFailure("a state");
            if (!Objects.equals(expected, next.state())) {
                throw given.report("The state after the command is not the expected one.", command)
                        .list("decided", events, "event")
                        .line("expected state", expected)
                        .line("actual state", next.state())
                        .lines("difference", RecordDiff.between(expected, next.state()))
                        .failure(expected, next.state());
            }
            return this;
        }

        /** Checks the decided events with your own assertions, e.g. when they carry generated values. */
        public Outcome<C, S, E> thenEventsSatisfy(Consumer<? super List<E>> check) {
            Objects.requireNonNull(check, "check");
            requireDecided("events satisfying a check", Optional.empty());
            try {
                check.accept(events);
            } catch (AssertionError e) {
                throw given.report("The decided events do not satisfy the check: " + e.getMessage(), command)
                        .list("actual", events, "event")
                        .failure(e);
            }
            return this;
        }

        /**
         * Continues from the history this step produced: the given events plus the decided ones, or the unchanged
         * history after a rejection.
         */
        public Given<C, S, E> and() {
            requireNoFailure("a next step");
            return next;
        }

        /** The events decided (empty after a rejection). */
        public List<E> events() {
            return events;
        }

        /** The rejection, if the command was rejected. */
        public Optional<DomainRejection> rejection() {
            return rejection;
        }

        private void requireDecided(String expectation, Optional<List<?>> expected) {
            requireNoFailure(expectation);
            rejection.ifPresent(r -> {
                FailureReport report = given.report(
                        "Expected " + expectation + ", but the command was rejected: " + r.getMessage(), command);
                expected.ifPresent(events -> report.list("expected", events, "event"));
                throw report.line("actual", "rejected " + r).failure(r);
            });
        }

        private DomainRejection requireRejection(String expectation) {
            requireNoFailure("a rejection " + expectation);
            return rejection.orElseThrow(() -> given.report(
                            "Expected a rejection " + expectation + ", but the command was accepted with "
                                    + count(events.size()) + ".",
                            command)
                    .list("actual", events, "event")
                    .failure());
        }

        private void requireNoFailure(String expectation) {
            failure.ifPresent(t -> {
                throw given.report(
                                "Expected " + expectation + ", but decide threw "
                                        + t.getClass().getName()
                                        + " – a bug, not a rejection (rejections extend DomainRejection).",
                                command)
                        .exception("thrown", t)
                        .failure(t);
            });
        }

        private static String count(int n) {
            return n == 0 ? "no events" : n == 1 ? "1 event" : n + " events";
        }
    }
}
