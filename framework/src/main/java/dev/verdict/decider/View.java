package dev.verdict.decider;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A pure read model: an initial state and a way to evolve it by events. The same view runs in a projection (on a
 * JetStream consumer) and in {@code ViewSpec} tests without NATS.
 *
 * <pre>{@code
 * View<Integer, CounterEvent> total = View.of(0, (sum, event) -> sum + ((CounterEvent.Added) event).amount());
 * }</pre>
 *
 * @param <S> the view's state
 * @param <E> the events it reads
 */
public interface View<S, E> {

    /** The state before any event. Never {@code null}. */
    S initialState();

    /** The state after the event. Pure. */
    S evolve(S state, E event);

    /** A view from an initial state and an evolve function. */
    static <S, E> View<S, E> of(S initialState, BiFunction<S, ? super E, S> evolve) {
        Objects.requireNonNull(initialState, "initialState must be a value, not null");
        Objects.requireNonNull(evolve, "evolve");
        return new View<>() {
            @Override
            public S initialState() {
                return initialState;
            }

            @Override
            public S evolve(S state, E event) {
                return evolve.apply(state, event);
            }
        };
    }
}
