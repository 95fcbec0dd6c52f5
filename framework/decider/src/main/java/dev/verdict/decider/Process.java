package dev.verdict.decider;

import java.util.List;

/**
 * The former name of {@link ProcessManager} (it shadowed {@code java.lang.Process}); kept for one release so
 * existing code compiles. Use {@link ProcessManager} and {@link ProcessManager#builder}.
 *
 * <pre>{@code
 * ProcessManager<PrescriptionEvent, Set<String>, InventoryCommand> reserveOnVerify = ProcessManager.builder(
 *                 Set.<String>of(), PrescriptionEvent.class)
 *         .react(PrescriptionVerified.class, (seen, v) -> List.of(new Reserve(v.drug(), v.quantity())))
 *         .ignore(PrescriptionOrdered.class, Dispensed.class)
 *         .build();
 * }</pre>
 *
 * @param <E> the events it observes
 * @param <S> its own state
 * @param <C> the commands it issues
 * @deprecated renamed to {@link ProcessManager}; this alias will be removed in the next release
 */
@Deprecated(forRemoval = true)
public interface Process<E, S, C> extends ProcessManager<E, S, C> {

    /**
     * A builder of a process over a sealed event type, as {@link ProcessManager#builder}.
     *
     * @deprecated use {@link ProcessManager#builder}
     */
    @Deprecated(forRemoval = true)
    static <E, S, C> Builder<E, S, C> builder(S initialState, Class<E> eventType) {
        return new Builder<>(ProcessManager.builder(initialState, eventType));
    }

    /**
     * The former builder: delegates to {@link ProcessManager.Builder}.
     *
     * @deprecated use {@link ProcessManager.Builder}
     */
    @Deprecated(forRemoval = true)
    final class Builder<E, S, C> {
        private final ProcessManager.Builder<E, S, C> builder;

        private Builder(ProcessManager.Builder<E, S, C> builder) {
            this.builder = builder;
        }

        /** As {@link ProcessManager.Builder#evolve}. */
        public <T extends E> Builder<E, S, C> evolve(
                Class<T> type, java.util.function.BiFunction<S, ? super T, S> handler) {
            builder.evolve(type, handler);
            return this;
        }

        /** As {@link ProcessManager.Builder#react}. */
        public <T extends E> Builder<E, S, C> react(
                Class<T> type, java.util.function.BiFunction<? super S, ? super T, List<C>> handler) {
            builder.react(type, handler);
            return this;
        }

        /** As {@link ProcessManager.Builder#ignore}. */
        @SafeVarargs
        public final Builder<E, S, C> ignore(Class<? extends E>... types) {
            builder.ignore(types);
            return this;
        }

        /** As {@link ProcessManager.Builder#build}. */
        public Process<E, S, C> build() {
            ProcessManager<E, S, C> built = builder.build();
            return new Process<>() {
                @Override
                public S initialState() {
                    return built.initialState();
                }

                @Override
                public S evolve(S state, E event) {
                    return built.evolve(state, event);
                }

                @Override
                public List<C> react(S state, E event) {
                    return built.react(state, event);
                }
            };
        }
    }
}
