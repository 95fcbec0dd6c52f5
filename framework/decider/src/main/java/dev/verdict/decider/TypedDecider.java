package dev.verdict.decider;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/** The decider {@link Decider.Builder} builds: one handler per sealed subtype, found by the value's class. */
final class TypedDecider<C, S, E> implements Decider<C, S, E> {
    private final S initialState;
    private final SealedHandlers<BiFunction<Object, S, List<E>>> decide;
    private final SealedHandlers<BiFunction<S, Object, S>> evolve;
    private final Predicate<? super S> isTerminal;

    TypedDecider(
            S initialState,
            SealedHandlers<BiFunction<Object, S, List<E>>> decide,
            SealedHandlers<BiFunction<S, Object, S>> evolve,
            Predicate<? super S> isTerminal) {
        this.initialState = initialState;
        this.decide = decide;
        this.evolve = evolve;
        this.isTerminal = isTerminal;
    }

    @Override
    public S initialState() {
        return initialState;
    }

    @Override
    public List<E> decide(C command, S state) {
        return decide.handlerFor(command).apply(command, state);
    }

    @Override
    public S evolve(S state, E event) {
        return evolve.handlerFor(event).apply(state, event);
    }

    @Override
    public boolean isTerminal(S state) {
        return isTerminal.test(state);
    }

    @Override
    public String toString() {
        return "Decider[" + SealedHandlers.name(decide.root()) + " -> " + SealedHandlers.name(evolve.root()) + "]";
    }
}
