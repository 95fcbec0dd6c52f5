package dev.verdict.decider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A pure read model: an initial state and a way to evolve it by events. The same view runs in a projection (on a
 * JetStream consumer) and in {@code ViewSpec} tests without NATS.
 *
 * <pre>{@code
 * View<Integer, CounterEvent> total = View.builder(0, CounterEvent.class)
 *         .on(CounterEvent.Added.class, (sum, added) -> sum + added.amount())
 *         .build();
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

    /**
     * A builder for a view over a sealed event type: one {@link Builder#on on} handler per event it uses, and an
     * explicit {@link Builder#ignore ignore} for the events it does not – {@link Builder#build()} throws, naming
     * them, when an event is neither. So a new event forces a decision in every view when the application starts.
     * Dispatch is by the event's class through a {@link ClassValue}: no reflection or allocation per event.
     *
     * <pre>{@code
     * View<Integer, CounterEvent> total = View.builder(0, CounterEvent.class)
     *         .on(CounterEvent.Added.class, (sum, added) -> sum + added.amount())
     *         .ignore(CounterEvent.Reset.class)
     *         .build();
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code eventType} is not sealed
     */
    static <S, E> Builder<S, E> builder(S initialState, Class<E> eventType) {
        return new Builder<>(initialState, eventType);
    }

    /**
     * Collects the handlers of a typed view; see {@link View#builder}.
     *
     * @param <S> the view's state
     * @param <E> the sealed event type
     */
    final class Builder<S, E> {
        private final S initialState;
        private final Class<E> eventType;
        private final Map<Class<?>, BiFunction<S, Object, S>> handlers = new LinkedHashMap<>();

        private Builder(S initialState, Class<E> eventType) {
            this.initialState = Objects.requireNonNull(initialState, "initialState must be a value, not null");
            SealedHandlers.requireSealed(eventType, "event", "View.of");
            this.eventType = eventType;
        }

        /** Evolves the state by events of {@code type} (a permitted subtype, or a sealed group of them). */
        @SuppressWarnings("unchecked")
        public <T extends E> Builder<S, E> on(Class<T> type, BiFunction<S, ? super T, S> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(type, (BiFunction<S, Object, S>) handler) != null) {
                throw new IllegalArgumentException("event " + SealedHandlers.name(type) + " has a handler already");
            }
            return this;
        }

        /** Leaves the state unchanged on events of these types. */
        @SafeVarargs
        public final Builder<S, E> ignore(Class<? extends E>... types) {
            for (Class<? extends E> type : types) {
                on(type, (state, event) -> state);
            }
            return this;
        }

        /**
         * The view.
         *
         * @throws IllegalStateException naming every event that is neither handled nor ignored (or handled twice)
         */
        public View<S, E> build() {
            List<String> problems = new ArrayList<>();
            SealedHandlers<BiFunction<S, Object, S>> evolve = SealedHandlers.of(eventType, "event", handlers, problems);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the view over " + SealedHandlers.name(eventType) + " is incomplete: "
                        + String.join("; ", problems));
            }
            S initial = initialState;
            return new View<>() {
                @Override
                public S initialState() {
                    return initial;
                }

                @Override
                public S evolve(S state, E event) {
                    return evolve.handlerFor(event).apply(state, event);
                }
            };
        }
    }
}
