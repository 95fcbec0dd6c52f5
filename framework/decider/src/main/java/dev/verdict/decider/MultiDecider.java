package dev.verdict.decider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A decision over several entities – a consistency boundary chosen per command: the command names the entities it
 * {@link #reads reads}, their events fold into one state, {@link #decide} sees that state and returns events each
 * {@linkplain Routed routed} to one of those entities. Pure, like a {@link Decider}: no I/O, no clock, and refusals
 * are {@link DomainRejection}s.
 *
 * <p>What the runtime does with it (and what {@code MultiDeciderSpec} and {@code MultiDeciderLaws} simulate without
 * NATS):
 *
 * <ol>
 *   <li>{@code reads(command)}: the entities, in order; it loads each one's events and the version of its last
 *       event (0 when it has none);
 *   <li>folds them into {@link #initialState()} with {@link #evolve(Object, EntityKey, Object)}, entity by entity
 *       in the order of {@code reads}, each entity's events in stream order;
 *   <li>{@link #decide}: a rejection stores nothing; no events store nothing;
 *   <li>appends every routed event to its entity's subject in one atomic batch, each read entity guarded by the
 *       version it was read at – written or not – so that a concurrent change to any of them fails the whole
 *       append; on that conflict it reads only the changed entities' new events, folds them onto the state with
 *       {@code evolve} and decides again.
 * </ol>
 *
 * <p>Contract every implementation keeps (the test kit's laws check it):
 *
 * <ul>
 *   <li>{@code reads} returns at least one entity and no entity twice, and depends on the command only;
 *   <li>every routed event goes to an entity the command reads – to create an entity, read it: it has no events
 *       and is guarded to stay that way;
 *   <li>folding the decided events onto the state, in the order decided, gives the state the runtime loads
 *       afterwards (entity by entity): {@code evolve} of one entity's events must not depend on another entity's;
 *   <li>{@link #initialState()} is a value, never {@code null}.
 * </ul>
 *
 * <p>Two entities of different categories, each with its own {@link Decider}, combine with {@link #of(EntityRead,
 * EntityRead, Decide2)}:
 *
 * <pre>{@code
 * record DispenseFill(String prescriptionId, String drug, int quantity) {}
 *
 * MultiDecider<DispenseFill, CombinedState<Prescription, Stock>, Object> dispense = MultiDecider.of(
 *         EntityRead.of("prescription", DispenseFill::prescriptionId, Prescriptions.DECIDER),
 *         EntityRead.of("inventory", DispenseFill::drug, Inventories.DECIDER),
 *         (fill, prescription, stock) -> {
 *             if (fill.quantity() > prescription.remaining()) throw new OverDispense(...);
 *             if (fill.quantity() > stock.onHand()) throw new InsufficientStock(...);
 *             return new MultiDecider.Events2<>(
 *                     List.of(new Dispensed(fill.quantity())), List.of(new StockDeducted(fill.quantity())));
 *         });
 * dispense.reads(new DispenseFill("rx-1", "aspirin", 5));   // [prescription/rx-1, inventory/aspirin]
 * }</pre>
 *
 * <p>Anything else – two entities of one category (a transfer between accounts), three or more entities – is written
 * with {@link #of(Function, Object, Evolve, Function2)} over a state of your own, e.g. a map keyed by id.
 *
 * @param <C> the command type
 * @param <S> the combined state of the entities read
 * @param <E> the event type (a common supertype of the entities' events, often {@code Object})
 */
public interface MultiDecider<C, S, E> {

    /** The entities the command reads, in the order their events are folded; at least one, none twice. */
    List<EntityKey> reads(C command);

    /** The combined state before any entity's events. Never {@code null}. */
    S initialState();

    /** The state after one event of one of the entities read. Pure. */
    S evolve(S state, EntityKey entity, E event);

    /**
     * The events the command causes, each routed to an entity the command {@linkplain #reads reads}, in the order
     * they are appended.
     *
     * @return the routed events; empty when the command changes nothing
     * @throws DomainRejection when the command is refused for a business reason
     */
    List<Routed<E>> decide(C command, S state);

    /** Folds routed events onto a state with {@link #evolve}, in order. */
    default S fold(S state, List<? extends Routed<? extends E>> events) {
        S current = state;
        for (Routed<? extends E> routed : events) {
            current = evolve(current, routed.entity(), routed.event());
        }
        return current;
    }

    /**
     * The state the runtime decides on: the events of each entity the command reads, from {@code history}, folded
     * entity by entity in the order of {@link #reads}.
     *
     * <pre>{@code
     * CombinedState<Prescription, Stock> state = dispense.load(fill, entity -> store.eventsOf(entity));
     * }</pre>
     */
    default S load(C command, Function<? super EntityKey, ? extends List<? extends E>> history) {
        S state = initialState();
        for (EntityKey entity : reads(command)) {
            for (E event : history.apply(entity)) {
                state = evolve(state, entity, event);
            }
        }
        return state;
    }

    /**
     * A multi-entity decider from functions.
     *
     * <pre>{@code
     * record Transfer(String from, String to, int amount) {}
     * MultiDecider<Transfer, Map<String, Account>, AccountEvent> transfer = MultiDecider.of(
     *         t -> List.of(EntityKey.of("account", t.from()), EntityKey.of("account", t.to())),
     *         Map.of(),
     *         (accounts, entity, event) -> with(accounts, entity.id(), evolve(balanceOf(accounts, entity.id()), event)),
     *         (t, accounts) -> List.of(
     *                 Routed.to(EntityKey.of("account", t.from()), new Withdrawn(t.amount())),
     *                 Routed.to(EntityKey.of("account", t.to()), new Deposited(t.amount()))));
     * }</pre>
     */
    static <C, S, E> MultiDecider<C, S, E> of(
            Function<? super C, List<EntityKey>> reads,
            S initialState,
            Evolve<S, E> evolve,
            Function2<? super C, ? super S, List<Routed<E>>> decide) {
        Objects.requireNonNull(reads, "reads");
        Objects.requireNonNull(initialState, "initialState must be a value, not null");
        Objects.requireNonNull(evolve, "evolve");
        Objects.requireNonNull(decide, "decide");
        return new MultiDecider<>() {
            @Override
            public List<EntityKey> reads(C command) {
                return reads.apply(command);
            }

            @Override
            public S initialState() {
                return initialState;
            }

            @Override
            public S evolve(S state, EntityKey entity, E event) {
                return evolve.evolve(state, entity, event);
            }

            @Override
            public List<Routed<E>> decide(C command, S state) {
                return decide.apply(command, state);
            }
        };
    }

    /**
     * A decision over two entities of different categories, each folded by its own decider into its part of a
     * {@link CombinedState}; {@code decide} sees both states and returns the events of each, which are routed to the
     * first entity and then the second. A stored event evolves the part whose category it belongs to. The result is
     * also an {@link EntityStates}: the runtime loads each entity as it does for the entity's own commands (cache,
     * snapshot, tail) when the category is registered with the same decider.
     *
     * <pre>{@code
     * MultiDecider<DispenseFill, CombinedState<Prescription, Stock>, Object> dispense = MultiDecider.of(
     *         EntityRead.of("prescription", DispenseFill::prescriptionId, Prescriptions.DECIDER),
     *         EntityRead.of("inventory", DispenseFill::drug, Inventories.DECIDER),
     *         (fill, prescription, stock) -> new MultiDecider.Events2<>(
     *                 List.of(new Dispensed(fill.quantity())), List.of(new StockDeducted(fill.quantity()))));
     * }</pre>
     *
     * @throws IllegalArgumentException when both entities have the same category (use {@link #of(Function, Object,
     *     Evolve, Function2)} with a state keyed by id)
     */
    @SuppressWarnings("unchecked")
    static <C, S1, E1, S2, E2> MultiDecider<C, CombinedState<S1, S2>, Object> of(
            EntityRead<C, S1, E1> first, EntityRead<C, S2, E2> second, Decide2<C, S1, S2, E1, E2> decide) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(decide, "decide");
        if (first.category().equals(second.category())) {
            throw new IllegalArgumentException("both entities are of category '" + first.category()
                    + "': a CombinedState cannot tell their events apart; write MultiDecider.of(reads, initialState,"
                    + " evolve, decide) over a state keyed by id");
        }
        CombinedState<S1, S2> initial = new CombinedState<>(first.initialState(), second.initialState());
        abstract class TwoEntities
                implements MultiDecider<C, CombinedState<S1, S2>, Object>, EntityStates<CombinedState<S1, S2>> {}
        return new TwoEntities() {
            @Override
            public Decider<?, ?, ?> deciderOf(EntityKey entity) {
                if (entity.category().equals(first.category())) {
                    return first.decider();
                }
                if (entity.category().equals(second.category())) {
                    return second.decider();
                }
                throw new IllegalArgumentException("a decision over '" + first.category() + "' and '"
                        + second.category() + "' does not read " + entity);
            }

            @Override
            public CombinedState<S1, S2> compose(List<?> entityStates) {
                if (entityStates.size() != 2) {
                    throw new IllegalArgumentException(
                            "a decision over two entities composes two states, got " + entityStates.size());
                }
                return new CombinedState<>((S1) entityStates.get(0), (S2) entityStates.get(1));
            }

            @Override
            public List<EntityKey> reads(C command) {
                return List.of(first.keyOf(command), second.keyOf(command));
            }

            @Override
            public CombinedState<S1, S2> initialState() {
                return initial;
            }

            @Override
            public CombinedState<S1, S2> evolve(CombinedState<S1, S2> state, EntityKey entity, Object event) {
                if (entity.category().equals(first.category())) {
                    return state.withFirst(first.evolve(state.first(), (E1) event));
                }
                if (entity.category().equals(second.category())) {
                    return state.withSecond(second.evolve(state.second(), (E2) event));
                }
                throw new IllegalArgumentException("an event of " + entity + " in a decision over '" + first.category()
                        + "' and '" + second.category() + "'");
            }

            @Override
            public List<Routed<Object>> decide(C command, CombinedState<S1, S2> state) {
                Events2<E1, E2> events = decide.decide(command, state.first(), state.second());
                if (events.first().isEmpty() && events.second().isEmpty()) {
                    return List.of();
                }
                EntityKey firstKey = first.keyOf(command);
                EntityKey secondKey = second.keyOf(command);
                List<Routed<Object>> routed =
                        new ArrayList<>(events.first().size() + events.second().size());
                for (E1 e : events.first()) {
                    routed.add(Routed.to(firstKey, e));
                }
                for (E2 e : events.second()) {
                    routed.add(Routed.to(secondKey, e));
                }
                return routed;
            }
        };
    }

    /**
     * The fold of a multi-entity decider: the state after one event of one entity.
     *
     * @param <S> the combined state
     * @param <E> the event type
     */
    @FunctionalInterface
    interface Evolve<S, E> {
        S evolve(S state, EntityKey entity, E event);
    }

    /**
     * A function of two arguments (a command and a state) – {@link java.util.function.BiFunction} under a name that
     * reads as what it is here.
     */
    @FunctionalInterface
    interface Function2<A, B, R> {
        R apply(A a, B b);
    }

    /**
     * The decision of a two-entity decider: sees both entities' states, returns the events of each.
     *
     * @param <C> the command type
     * @param <S1> the first entity's state
     * @param <S2> the second entity's state
     * @param <E1> the first entity's events
     * @param <E2> the second entity's events
     */
    @FunctionalInterface
    interface Decide2<C, S1, S2, E1, E2> {
        /**
         * @throws DomainRejection when the command is refused for a business reason
         */
        Events2<E1, E2> decide(C command, S1 first, S2 second);
    }

    /**
     * The events a two-entity decision appends to each entity: those of the first, then those of the second, in one
     * atomic append.
     *
     * @param first events for the first entity, in order (may be empty)
     * @param second events for the second entity, in order (may be empty)
     */
    record Events2<E1, E2>(List<E1> first, List<E2> second) {
        public Events2 {
            first = List.copyOf(first);
            second = List.copyOf(second);
        }

        /** No events for either entity: the command changes nothing. */
        public static <E1, E2> Events2<E1, E2> none() {
            return new Events2<>(List.of(), List.of());
        }
    }
}
