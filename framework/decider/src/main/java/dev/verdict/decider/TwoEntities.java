package dev.verdict.decider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The decision over two entities of different categories that {@link MultiDecider#of(EntityRead, EntityRead,
 * MultiDecider.DecideBoth)} and {@link MultiDecider#of(EntityRead, ChosenRead, MultiDecider.DecideBoth)} build: each entity
 * folded by its own decider into its part of a {@link CombinedState}; the second named by the command or chosen from
 * the first's state.
 */
final class TwoEntities<C, S1, E1, S2, E2>
        implements MultiDecider<C, CombinedState<S1, S2>, Object>, EntityStates<CombinedState<S1, S2>> {
    private final EntityRead<C, S1, E1> first;
    private final String secondCategory;
    private final Decider<?, S2, E2> secondDecider;
    private final BiFunction<C, S1, Optional<EntityKey>> secondKey;
    private final boolean chosen;
    private final MultiDecider.DecideBoth<C, S1, S2, E1, E2> decide;
    private final CombinedState<S1, S2> initial;

    TwoEntities(
            EntityRead<C, S1, E1> first,
            String secondCategory,
            Decider<?, S2, E2> secondDecider,
            BiFunction<C, S1, Optional<EntityKey>> secondKey,
            boolean chosen,
            MultiDecider.DecideBoth<C, S1, S2, E1, E2> decide) {
        if (first.category().equals(secondCategory)) {
            throw new IllegalArgumentException("both entities are of category '" + secondCategory
                    + "': a CombinedState cannot tell their events apart; write MultiDecider.of(reads, initialState,"
                    + " evolve, decide) over a state keyed by id");
        }
        this.first = first;
        this.secondCategory = secondCategory;
        this.secondDecider = secondDecider;
        this.secondKey = secondKey;
        this.chosen = chosen;
        this.decide = Objects.requireNonNull(decide, "decide");
        this.initial = new CombinedState<>(first.initialState(), secondDecider.initialState());
    }

    @Override
    public Decider<?, ?, ?> deciderOf(EntityKey entity) {
        if (entity.category().equals(first.category())) {
            return first.decider();
        }
        if (entity.category().equals(secondCategory)) {
            return secondDecider;
        }
        throw new IllegalArgumentException(
                "a decision over '" + first.category() + "' and '" + secondCategory + "' does not read " + entity);
    }

    /** The first state, and the second's when it was read (else its initial state: nothing chosen, or not yet). */
    @Override
    @SuppressWarnings("unchecked")
    public CombinedState<S1, S2> compose(List<?> entityStates) {
        if (entityStates.isEmpty() || entityStates.size() > 2) {
            throw new IllegalArgumentException(
                    "a decision over two entities composes one or two states, got " + entityStates.size());
        }
        return new CombinedState<>(
                (S1) entityStates.get(0),
                entityStates.size() == 2 ? (S2) entityStates.get(1) : secondDecider.initialState());
    }

    @Override
    public List<EntityKey> reads(C command) {
        if (chosen) {
            return List.of(first.keyOf(command));
        }
        return List.of(
                first.keyOf(command),
                secondKey.apply(command, first.initialState()).orElseThrow());
    }

    @Override
    public List<EntityKey> readsAfter(C command, CombinedState<S1, S2> state) {
        if (!chosen) {
            return List.of();
        }
        return secondKey.apply(command, state.first()).map(List::of).orElse(List.of());
    }

    @Override
    public CombinedState<S1, S2> initialState() {
        return initial;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CombinedState<S1, S2> evolve(CombinedState<S1, S2> state, EntityKey entity, Object event) {
        if (entity.category().equals(first.category())) {
            return state.withFirst(first.evolve(state.first(), (E1) event));
        }
        if (entity.category().equals(secondCategory)) {
            return state.withSecond(secondDecider.evolve(state.second(), (E2) event));
        }
        throw new IllegalArgumentException("an event of " + entity + " in a decision over '" + first.category()
                + "' and '" + secondCategory + "'");
    }

    @Override
    public List<Routed<Object>> decide(C command, CombinedState<S1, S2> state) {
        MultiDecider.EventsOfBoth<E1, E2> events = decide.decide(command, state.first(), state.second());
        if (events.first().isEmpty() && events.second().isEmpty()) {
            return List.of();
        }
        EntityKey firstKey = first.keyOf(command);
        List<Routed<Object>> routed =
                new ArrayList<>(events.first().size() + events.second().size());
        for (E1 e : events.first()) {
            routed.add(Routed.to(firstKey, e));
        }
        if (!events.second().isEmpty()) {
            EntityKey secondKeyNow = secondKey
                    .apply(command, state.first())
                    .orElseThrow(() -> new IllegalStateException("the decision over '" + first.category() + "' and '"
                            + secondCategory + "' returned events for the second entity, but the first one's state"
                            + " chose none: " + events.second()));
            for (E2 e : events.second()) {
                routed.add(Routed.to(secondKeyNow, e));
            }
        }
        return routed;
    }
}
