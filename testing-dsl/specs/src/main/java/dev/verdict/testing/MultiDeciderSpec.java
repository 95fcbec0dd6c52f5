package dev.verdict.testing;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Given/when/then specifications for a {@link MultiDecider}: events given per entity, expected events per entity,
 * checked in memory exactly as the runtime would load, decide and route – no NATS.
 *
 * <pre>{@code
 * MultiDeciderSpec.of(DISPENSE)
 *         .given(RX_1, new Prescribed("aspirin", 30))
 *         .given(ASPIRIN, new StockReceived(20))
 *         .when(new DispenseFill("rx-1", "aspirin", 5))
 *         .then(RX_1, new Dispensed(5))
 *         .then(ASPIRIN, new StockDeducted(5))
 *         .and()
 *         .when(new DispenseFill("rx-1", "aspirin", 16))
 *         .thenRejected("inventory.insufficient-stock");
 * }</pre>
 *
 * <p>Checks made on every {@code when}, whatever you assert afterwards:
 *
 * <ul>
 *   <li>{@code reads} names at least one entity and none twice;
 *   <li>every decided event is routed to an entity the command reads (the runtime guards only those);
 *   <li>{@code decide} returned no {@code null}s and mutated neither the state nor the command;
 *   <li>folding the decided events onto the state, in the order decided, equals loading the entities afterwards
 *       entity by entity – what the runtime does after a conflict or a restart.
 * </ul>
 *
 * <p>Given events of entities the command does not read are not loaded, as on the server.
 *
 * @param <C> command type
 * @param <S> combined state type
 * @param <E> event type
 */
public final class MultiDeciderSpec<C, S, E> {
    private final MultiDecider<C, S, E> decider;

    private MultiDeciderSpec(MultiDecider<C, S, E> decider) {
        this.decider = decider;
    }

    /** A spec of the given multi-entity decider. */
    public static <C, S, E> MultiDeciderSpec<C, S, E> of(MultiDecider<C, S, E> decider) {
        return new MultiDeciderSpec<>(Objects.requireNonNull(decider, "decider"));
    }

    /** Starts from these events of one entity (more entities with {@link Given#given(EntityKey, Object[])}). */
    @SafeVarargs
    public final Given<C, S, E> given(EntityKey entity, E... events) {
        List<E> list = new ArrayList<>(events.length);
        for (E event : events) {
            list.add(event);
        }
        return givenNothing().given(entity, list);
    }

    /** Starts with no entity having any events. */
    public Given<C, S, E> givenNothing() {
        return new Given<>(decider, Map.of());
    }

    /**
     * The histories of the entities, to act on.
     *
     * @param <C> command type
     * @param <S> combined state type
     * @param <E> event type
     */
    public static final class Given<C, S, E> {
        private final MultiDecider<C, S, E> decider;
        private final Map<EntityKey, List<E>> histories;

        private Given(MultiDecider<C, S, E> decider, Map<EntityKey, List<E>> histories) {
            this.decider = decider;
            this.histories = histories;
        }

        /** Adds these events to the entity's history. */
        @SafeVarargs
        public final Given<C, S, E> given(EntityKey entity, E... events) {
            List<E> list = new ArrayList<>(events.length);
            for (E event : events) {
                list.add(event);
            }
            return given(entity, list);
        }

        /** Adds these events to the entity's history. */
        public Given<C, S, E> given(EntityKey entity, List<? extends E> events) {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(events, "events");
            Map<EntityKey, List<E>> more = new LinkedHashMap<>(histories);
            List<E> history = new ArrayList<>(more.getOrDefault(entity, List.of()));
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) == null) {
                    throw FailureReport.headline("Given event " + (i + 1) + " of " + entity
                                    + " is null; a history holds only events.")
                            .failure();
                }
                history.add(events.get(i));
            }
            more.put(entity, List.copyOf(history));
            return new Given<>(decider, Map.copyOf(more));
        }

        /** Every entity's history so far. */
        public Map<EntityKey, List<E>> histories() {
            return histories;
        }

        /** The state the runtime would decide this command on. */
        public S stateFor(C command) {
            return MultiStep.load(decider, command, histories);
        }

        /**
         * Loads the entities the command reads, decides, runs the built-in checks and returns the outcome.
         *
         * @throws org.opentest4j.AssertionFailedError when a built-in check fails
         */
        public Outcome<C, S, E> when(C command) {
            Objects.requireNonNull(command, "command");
            String commandBefore = String.valueOf(command);
            String stateBefore;
            try {
                stateBefore = String.valueOf(stateFor(command));
            } catch (RuntimeException e) {
                throw report("The given histories cannot be loaded: reads or evolve threw.", command)
                        .exception("thrown", e)
                        .failure(e);
            }
            MultiStep<C, S, E> step = MultiStep.run(decider, histories, command);
            if (step.problem().isPresent()) {
                FailureReport r = report(
                                "The multi-entity decider broke its contract: "
                                        + step.problem().get(),
                                command)
                        .line("reads", step.reads())
                        .line("state before the command", step.before());
                if (!step.events().isEmpty()) {
                    r.list("decided", step.events(), "event");
                }
                throw step.failure().map(r::failure).orElseGet(r::failure);
            }
            if (!commandBefore.equals(String.valueOf(command))) {
                throw report("decide mutated the command it was given; decide must be pure.", command)
                        .line("command before decide", commandBefore)
                        .failure(commandBefore, String.valueOf(command));
            }
            if (!stateBefore.equals(String.valueOf(step.before()))) {
                throw report("decide mutated the state it was given; decide must be pure.", command)
                        .line("state before decide", stateBefore)
                        .line("state after decide", step.before())
                        .failure(stateBefore, String.valueOf(step.before()));
            }
            return new Outcome<>(this, step);
        }

        FailureReport report(String headline, C command) {
            FailureReport r = FailureReport.headline(headline);
            if (histories.isEmpty()) {
                r.line("given", "no events for any entity");
            }
            for (Map.Entry<EntityKey, List<E>> e : histories.entrySet()) {
                r.list("given " + e.getKey(), e.getValue(), "event");
            }
            return r.line("when", command);
        }
    }

    /**
     * What {@code decide} did with one command. Each {@code then} verb returns this outcome.
     *
     * @param <C> command type
     * @param <S> combined state type
     * @param <E> event type
     */
    public static final class Outcome<C, S, E> {
        private final Given<C, S, E> given;
        private final MultiStep<C, S, E> step;

        private Outcome(Given<C, S, E> given, MultiStep<C, S, E> step) {
            this.given = given;
            this.step = step;
        }

        /**
         * Expects exactly these events, in this order, for this entity ({@code then(entity)} with none: nothing for
         * it). Events for other entities are checked by further {@code then}s, or all at once by {@link
         * #thenRouted}.
         */
        @SafeVarargs
        public final Outcome<C, S, E> then(EntityKey entity, E... expected) {
            Objects.requireNonNull(entity, "entity");
            List<E> expectedList = new ArrayList<>(expected.length);
            for (E event : expected) {
                expectedList.add(Objects.requireNonNull(event, "an expected event is a value, not null"));
            }
            requireDecided("events for " + entity);
            List<E> actual = step.eventsFor(entity);
            if (!actual.equals(expectedList)) {
                throw report("Expected " + count(expectedList.size()) + " for " + entity + " but decide routed "
                                + count(actual.size()) + " there.")
                        .list("expected for " + entity, expectedList, "event")
                        .list("actual for " + entity, actual, "event")
                        .differences(expectedList, actual, "event")
                        .failure(expectedList, actual);
            }
            return this;
        }

        /** Expects exactly these routed events, in this order, for all entities together. */
        public Outcome<C, S, E> thenRouted(List<Routed<E>> expected) {
            Objects.requireNonNull(expected, "expected");
            requireDecided("routed events");
            if (!step.events().equals(expected)) {
                throw report("The decided events differ from the expected ones.")
                        .list("expected", expected, "event")
                        .differences(expected, step.events(), "event")
                        .failure(expected, step.events());
            }
            return this;
        }

        /** Expects the command to be accepted without events for any entity. */
        public Outcome<C, S, E> thenNothingHappened() {
            return thenRouted(List.of());
        }

        /** Expects a rejection of this type (or a subtype): nothing is stored on any entity. */
        public Outcome<C, S, E> thenRejected(Class<? extends DomainRejection> type) {
            Objects.requireNonNull(type, "type");
            DomainRejection r = requireRejection(type.getSimpleName());
            if (!type.isInstance(r)) {
                throw report("Expected a rejection " + type.getSimpleName() + ", but it was rejected with "
                                + r.getClass().getSimpleName() + ".")
                        .failure(type.getName(), r.getClass().getName());
            }
            return this;
        }

        /** Expects a rejection with this {@link DomainRejection#code()}. */
        public Outcome<C, S, E> thenRejected(String code) {
            Objects.requireNonNull(code, "code");
            DomainRejection r = requireRejection("with code '" + code + "'");
            if (!r.code().equals(code)) {
                throw report("Expected a rejection with code '" + code + "', but the code was '" + r.code() + "'.")
                        .failure(code, r.code());
            }
            return this;
        }

        /** Checks the combined state after the decided events (the state before, after a rejection). */
        public Outcome<C, S, E> thenState(Consumer<? super S> check) {
            Objects.requireNonNull(check, "check");
            requireNoFailure("a state");
            try {
                check.accept(step.after());
            } catch (AssertionError e) {
                throw report("The state after the command does not satisfy the check: " + e.getMessage())
                        .line("state after", step.after())
                        .failure(e);
            }
            return this;
        }

        /** Continues from the histories this step produced (unchanged after a rejection). */
        public Given<C, S, E> and() {
            requireNoFailure("a next step");
            return new Given<>(given.decider, step.historiesAfter());
        }

        /** The routed events (empty after a rejection). */
        public List<Routed<E>> events() {
            return step.events();
        }

        private FailureReport report(String headline) {
            return given.report(headline, step.command())
                    .line("reads", step.reads())
                    .line("state before the command", step.before())
                    .line("actual", step.outcome());
        }

        private void requireDecided(String expectation) {
            requireNoFailure(expectation);
            step.rejection().ifPresent(r -> {
                throw report("Expected " + expectation + ", but the command was rejected: " + r.getMessage())
                        .failure(r);
            });
        }

        private DomainRejection requireRejection(String expectation) {
            requireNoFailure("a rejection " + expectation);
            return step.rejection()
                    .orElseThrow(() -> report("Expected a rejection " + expectation + ", but the command was"
                                    + " accepted with " + count(step.events().size()) + ".")
                            .failure());
        }

        private void requireNoFailure(String expectation) {
            step.failure().ifPresent(t -> {
                throw report("Expected " + expectation + ", but decide threw "
                                + t.getClass().getName()
                                + " – a bug, not a rejection (rejections extend DomainRejection).")
                        .failure(t);
            });
        }

        private static String count(int n) {
            return n == 0 ? "no events" : n == 1 ? "1 event" : n + " events";
        }
    }
}
