package dev.verdict.decider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 *       event (0 when it has none); then {@link #readsAfter readsAfter(command, state)} on their fold: entities
 *       chosen from what those hold (none by default), loaded the same way;
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
 * EntityRead, DecideBoth)}:
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
 *             return new MultiDecider.EventsOfBoth<>(
 *                     List.of(new Dispensed(fill.quantity())), List.of(new StockDeducted(fill.quantity())));
 *         });
 * dispense.reads(new DispenseFill("rx-1", "aspirin", 5));   // [prescription/rx-1, inventory/aspirin]
 * }</pre>
 *
 * <p>Anything else – two entities of one category (a transfer between accounts), three or more entities – is written
 * with {@link #of(Function, Object, Evolve, Decide)} over a state of your own, e.g. a map keyed by id.
 *
 * @param <C> the command type
 * @param <S> the combined state of the entities read
 * @param <E> the event type (a common supertype of the entities' events, often {@code Object})
 */
public interface MultiDecider<C, S, E> {

    /** The entities the command reads, in the order their events are folded; at least one, none twice. */
    List<EntityKey> reads(C command);

    /**
     * Entities read <em>after</em> those of {@link #reads}, chosen from what they hold (the prescription names the
     * drug whose stock a dispense reads): {@code state} is the fold of the entities of {@code reads} only. They are
     * folded after them, in this order, and guarded in the same atomic append as every entity read; when a conflict
     * shows that an entity of {@code reads} changed, the runtime asks again and reads what is chosen now. None twice,
     * none of {@code reads}. Pure. Default: none.
     */
    default List<EntityKey> readsAfter(C command, S state) {
        return List.of();
    }

    /**
     * Every entity the command reads given the entities' histories: {@link #reads}, then {@link #readsAfter} on their
     * fold.
     */
    default List<EntityKey> readsGiven(C command, Function<? super EntityKey, ? extends List<? extends E>> history) {
        List<EntityKey> named = reads(command);
        S state = fold(initialState(), named, history);
        List<EntityKey> chosen = readsAfter(command, state);
        if (chosen.isEmpty()) {
            return named;
        }
        List<EntityKey> all = new ArrayList<>(named);
        all.addAll(chosen);
        return all;
    }

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
     * entity by entity in the order of {@link #reads}, then of {@link #readsAfter} on that fold.
     *
     * <pre>{@code
     * CombinedState<Prescription, Stock> state = dispense.load(fill, entity -> store.eventsOf(entity));
     * }</pre>
     */
    default S load(C command, Function<? super EntityKey, ? extends List<? extends E>> history) {
        List<EntityKey> named = reads(command);
        S state = fold(initialState(), named, history);
        return fold(state, readsAfter(command, state), history);
    }

    private S fold(
            S state, List<EntityKey> entities, Function<? super EntityKey, ? extends List<? extends E>> history) {
        S current = state;
        for (EntityKey entity : entities) {
            for (E event : history.apply(entity)) {
                current = evolve(current, entity, event);
            }
        }
        return current;
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
            Decide<? super C, ? super S, E> decide) {
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
                return decide.decide(command, state);
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
     *         (fill, prescription, stock) -> new MultiDecider.EventsOfBoth<>(
     *                 List.of(new Dispensed(fill.quantity())), List.of(new StockDeducted(fill.quantity()))));
     * }</pre>
     *
     * @throws IllegalArgumentException when both entities have the same category (use {@link #of(Function, Object,
     *     Evolve, Decide)} with a state keyed by id)
     */
    static <C, S1, E1, S2, E2> MultiDecider<C, CombinedState<S1, S2>, Object> of(
            EntityRead<C, S1, E1> first, EntityRead<C, S2, E2> second, DecideBoth<C, S1, S2, E1, E2> decide) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return new TwoEntities<>(
                first,
                second.category(),
                second.decider(),
                (command, firstState) -> Optional.of(second.keyOf(command)),
                false,
                decide);
    }

    /**
     * A decision over two entities where the command names the first and the first's state chooses the second – the
     * prescription, then its drug's stock. The runtime reads the first, then the one {@code second} chooses, and
     * guards both in the one atomic append; otherwise as {@link #of(EntityRead, EntityRead, DecideBoth)}. When the choice
     * is empty, only the first is read: {@code decide} sees the second's initial state and must return no events for
     * it.
     *
     * <pre>{@code
     * MultiDecider<DispenseFill, CombinedState<Prescription, Stock>, Object> dispense = MultiDecider.of(
     *         EntityRead.of("prescription", DispenseFill::prescriptionId, Prescriptions.DECIDER),
     *         ChosenRead.of("inventory", (fill, prescription) -> prescription.drug(), Inventories.DECIDER),
     *         (fill, prescription, stock) -> new MultiDecider.EventsOfBoth<>(
     *                 List.of(new Dispensed(fill.quantity())), List.of(new StockDeducted(fill.quantity()))));
     * dispense.reads(fill);                                    // [prescription/rx-1]
     * dispense.readsAfter(fill, new CombinedState<>(rx, stock)); // [inventory/aspirin]
     * }</pre>
     *
     * @throws IllegalArgumentException when both entities have the same category
     */
    static <C, S1, E1, S2, E2> MultiDecider<C, CombinedState<S1, S2>, Object> of(
            EntityRead<C, S1, E1> first, ChosenRead<C, S1, S2, E2> second, DecideBoth<C, S1, S2, E1, E2> decide) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return new TwoEntities<>(first, second.category(), second.decider(), second::keyOf, true, decide);
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
     * The decision of a multi-entity decider over a state of its own: sees the command and the combined state, returns
     * the events, each routed to the entity it belongs to.
     *
     * @param <C> the command type
     * @param <S> the combined state
     * @param <E> the event type
     */
    @FunctionalInterface
    interface Decide<C, S, E> {
        /**
         * @throws DomainRejection when the command is refused for a business reason
         */
        List<Routed<E>> decide(C command, S state);
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
    interface DecideBoth<C, S1, S2, E1, E2> {
        /**
         * @throws DomainRejection when the command is refused for a business reason
         */
        EventsOfBoth<E1, E2> decide(C command, S1 first, S2 second);
    }

    /**
     * The events a two-entity decision appends to each entity: those of the first, then those of the second, in one
     * atomic append.
     *
     * @param first events for the first entity, in order (may be empty)
     * @param second events for the second entity, in order (may be empty)
     */
    record EventsOfBoth<E1, E2>(List<E1> first, List<E2> second) {
        public EventsOfBoth {
            first = List.copyOf(first);
            second = List.copyOf(second);
        }

        /** No events for either entity: the command changes nothing. */
        public static <E1, E2> EventsOfBoth<E1, E2> none() {
            return new EventsOfBoth<>(List.of(), List.of());
        }
    }
}
