package dev.verdict.decider;

import java.util.List;

/**
 * A {@link MultiDecider} whose combined state is made of each entity's own state, folded by that entity's own {@link
 * Decider} – as {@link MultiDecider#of(EntityRead, EntityRead, MultiDecider.DecideBoth)} builds it. Knowing this, the
 * runtime loads each entity exactly as for a single-entity command (its cached state, else a snapshot and its tail,
 * else its events) and shares those states with the entity's own commands, instead of folding every entity's whole
 * history for each decision.
 *
 * <p>Contract: {@code compose(command, [s1, …, sn])} equals {@code load(command, history)} whenever each {@code si} is
 * the fold of entity i's history by {@code deciderOf(entity i)}.
 *
 * <pre>{@code
 * EntityStates<CombinedState<Prescription, Stock>> parts = (EntityStates<CombinedState<Prescription, Stock>>) dispense;
 * parts.deciderOf(EntityKey.of("inventory", "aspirin"));           // Inventories.DECIDER
 * parts.compose(List.of(prescription, stock));                     // CombinedState[prescription, stock]
 * }</pre>
 *
 * @param <S> the combined state
 */
public interface EntityStates<S> {

    /** The decider whose {@code initialState} and {@code evolve} fold this entity's own events. */
    Decider<?, ?, ?> deciderOf(EntityKey entity);

    /** The combined state from the states of the entities read, given in the order of {@code reads}. */
    S compose(List<?> entityStates);
}
