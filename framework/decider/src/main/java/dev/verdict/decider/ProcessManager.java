package dev.verdict.decider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A pure process manager (saga): it keeps its own state – per instance, e.g. one per prescription – evolved by the
 * events it observes, and reacts to each event with commands for other deciders. Hosting (consumers, routing commands to entities, deterministic command
 * ids derived from the triggering event so redelivery never issues a command twice) is the runtime's job.
 *
 * <pre>{@code
 * ProcessManager<PrescriptionEvent, Set<String>, InventoryCommand> reserveOnVerify = ProcessManager.builder(
 *                 Set.<String>of(), PrescriptionEvent.class)
 *         .react(PrescriptionVerified.class, (seen, v) -> List.of(new Reserve(v.drug(), v.quantity())))
 *         .ignore(PrescriptionOrdered.class, Dispensed.class)
 *         .build();
 *
 * // one instance per prescription, removed when it is dispensed
 * ProcessManager<PrescriptionEvent, Set<String>, InventoryCommand> perPrescription = ProcessManager.builder(
 *                 Set.<String>of(), PrescriptionEvent.class)
 *         .instanceBy(PrescriptionEvent::prescriptionId)
 *         .react(PrescriptionVerified.class, (seen, v) -> List.of(new Reserve(v.drug(), v.quantity())))
 *         .evolve(Dispensed.class, (seen, d) -> Set.of("done"))
 *         .ignore(PrescriptionOrdered.class)
 *         .endWhen(seen -> seen.contains("done"))
 *         .build();
 * }</pre>
 *
 * <p><b>Time.</b> In reaction to an event an instance may ask for durable timers of its own ({@link #timers}: schedule
 * a named timer at an instant or after a duration, cancel it); when one falls due the host delivers it to that
 * instance as a {@link TimerDue}: {@link #onTimer} issues commands on the instance's state, {@link #evolveOnTimer}
 * evolves it, and {@link #timersOnTimer} may ask for further timers. Like {@code react}, all of them are pure and see
 * the state before the input; a timer delivered to an instance that does not exist (it ended) is dropped.
 *
 * <pre>{@code
 * // follows a reorder up once when no stock arrived within a day
 * public List<TimerRequest> timers(Awaiting state, InventoryEvent event) {
 *     return event instanceof ReorderRequested && !state.followedUp()
 *             ? List.of(TimerRequest.after("follow-up", Duration.ofDays(1)))
 *             : List.of();
 * }
 * public List<InventoryCommand> onTimer(Awaiting state, TimerDue due) {
 *     return List.of(new RequestReorder(due.instance(), threshold, quantity, due.dueAt()));
 * }
 * public Awaiting evolveOnTimer(Awaiting state, TimerDue due) {
 *     return state.followedUp(true);
 * }
 * }</pre>
 *
 * @param <E> the events it observes
 * @param <S> its own state
 * @param <C> the commands it issues
 */
public interface ProcessManager<E, S, C> {

    /** The state before any event. Never {@code null}. */
    S initialState();

    /** The state after observing the event. Pure. */
    S evolve(S state, E event);

    /**
     * The commands to issue in reaction to the event, given the state before it. Pure; an empty list means no
     * reaction.
     */
    List<C> react(S state, E event);

    /** The key of the single instance of a process that declares no instances. */
    String SINGLE_INSTANCE = "single";

    /**
     * The instances (correlation keys, e.g. a prescription id or a drug) the event concerns, in the order they are
     * applied. Each instance has its own state, created by its first event (from {@link #initialState()}) and removed
     * when it {@link #ended ends}. An empty list: the event concerns no instance. Pure. The default: one instance,
     * {@value #SINGLE_INSTANCE}, for every event – a process with a single state.
     */
    default List<String> instancesOf(E event) {
        return List.of(SINGLE_INSTANCE);
    }

    /**
     * Whether the instance with this state has ended: its state is then deleted (a later event for the same key starts
     * a new instance). Pure. The default: never.
     */
    default boolean ended(S state) {
        return false;
    }

    /**
     * The timers the instance asks for in reaction to the event, given the state before it (as {@link #react}):
     * applied by the host for the instance the event concerns, after its commands. Pure; the default: none.
     */
    default List<TimerRequest> timers(S state, E event) {
        return List.of();
    }

    /**
     * The commands to issue when a timer of the instance falls due, given the instance's state. Pure; the default:
     * none.
     */
    default List<C> onTimer(S state, TimerDue due) {
        return List.of();
    }

    /** The instance's state after a timer of it fell due. Pure; the default: unchanged. */
    default S evolveOnTimer(S state, TimerDue due) {
        return state;
    }

    /**
     * The timers the instance asks for when a timer of it falls due ({@link TimerRequest.After} counts from the due
     * instant), given the state before it. Pure; the default: none.
     */
    default List<TimerRequest> timersOnTimer(S state, TimerDue due) {
        return List.of();
    }

    /**
     * A builder for a process over a sealed event type: per event type (a permitted subtype or a sealed group), a
     * {@link Builder#react react} handler, an {@link Builder#evolve evolve} handler, both, or an explicit {@link
     * Builder#ignore ignore}. An event without {@code react} issues no commands; without {@code evolve} it leaves the
     * state unchanged. {@link Builder#build()} throws, naming them, when an event type is not mentioned at all, or
     * when a sealed group and one of its members are both mentioned. Dispatch is by the event's class through a
     * {@link ClassValue}.
     *
     * <pre>{@code
     * ProcessManager<PrescriptionEvent, Set<String>, InventoryCommand> reserveOnVerify = ProcessManager.builder(
     *                 Set.<String>of(), PrescriptionEvent.class)
     *         .react(PrescriptionVerified.class, (seen, v) -> List.of(new Reserve(v.drug(), v.quantity())))
     *         .ignore(PrescriptionOrdered.class, Dispensed.class)
     *         .build();
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code eventType} is not sealed
     */
    static <E, S, C> Builder<E, S, C> builder(S initialState, Class<E> eventType) {
        return new Builder<>(initialState, eventType);
    }

    /**
     * Collects the handlers of a typed process; see {@link ProcessManager#builder}.
     *
     * @param <E> the sealed event type
     * @param <S> the process's state
     * @param <C> the commands it issues
     */
    final class Builder<E, S, C> {
        private final S initialState;
        private final Class<E> eventType;
        private final Map<Class<?>, BiFunction<S, Object, S>> evolvers = new LinkedHashMap<>();
        private final Map<Class<?>, BiFunction<S, Object, List<C>>> reactions = new LinkedHashMap<>();
        private final Map<Class<?>, BiFunction<S, Object, List<TimerRequest>>> timerRequests = new LinkedHashMap<>();
        private BiFunction<? super S, TimerDue, List<C>> onTimer = (state, due) -> List.of();
        private BiFunction<S, TimerDue, S> evolveOnTimer = (state, due) -> state;
        private final List<Class<?>> mentioned = new ArrayList<>();
        private Function<? super E, List<String>> instances = event -> List.of(SINGLE_INSTANCE);
        private Predicate<? super S> ended = state -> false;

        private Builder(S initialState, Class<E> eventType) {
            this.initialState = Objects.requireNonNull(initialState, "initialState must be a value, not null");
            SealedHandlers.requireSealed(eventType, "event", "a Process implementation");
            this.eventType = eventType;
        }

        /** The state after events of {@code type}. */
        @SuppressWarnings("unchecked")
        public <T extends E> Builder<E, S, C> evolve(Class<T> type, BiFunction<S, ? super T, S> handler) {
            Objects.requireNonNull(handler, "handler");
            if (evolvers.putIfAbsent(mention(type), (BiFunction<S, Object, S>) handler) != null) {
                throw new IllegalArgumentException("event " + SealedHandlers.name(type) + " has an evolve already");
            }
            return this;
        }

        /** The commands issued in reaction to events of {@code type}, given the state before the event. */
        @SuppressWarnings("unchecked")
        public <T extends E> Builder<E, S, C> react(Class<T> type, BiFunction<? super S, ? super T, List<C>> handler) {
            Objects.requireNonNull(handler, "handler");
            if (reactions.putIfAbsent(mention(type), (BiFunction<S, Object, List<C>>) handler) != null) {
                throw new IllegalArgumentException("event " + SealedHandlers.name(type) + " has a reaction already");
            }
            return this;
        }

        /** The timers an instance asks for in reaction to events of {@code type}, given the state before the event. */
        @SuppressWarnings("unchecked")
        public <T extends E> Builder<E, S, C> timers(
                Class<T> type, BiFunction<? super S, ? super T, List<TimerRequest>> handler) {
            Objects.requireNonNull(handler, "handler");
            if (timerRequests.putIfAbsent(mention(type), (BiFunction<S, Object, List<TimerRequest>>) handler) != null) {
                throw new IllegalArgumentException("event " + SealedHandlers.name(type) + " has timers already");
            }
            return this;
        }

        /** The commands issued when a timer of an instance falls due ({@link ProcessManager#onTimer}). */
        public Builder<E, S, C> onTimer(BiFunction<? super S, TimerDue, List<C>> handler) {
            this.onTimer = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The instance's state after a timer of it fell due ({@link ProcessManager#evolveOnTimer}). */
        public Builder<E, S, C> evolveOnTimer(BiFunction<S, TimerDue, S> handler) {
            this.evolveOnTimer = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** One instance per key: each event concerns the instance {@code key} names (never {@code null}). */
        public Builder<E, S, C> instanceBy(Function<? super E, String> key) {
            Objects.requireNonNull(key, "key");
            this.instances = event -> List.of(Objects.requireNonNull(key.apply(event), "instance key"));
            return this;
        }

        /** Each event concerns the instances {@code keys} names (an empty list: none). */
        public Builder<E, S, C> instancesBy(Function<? super E, List<String>> keys) {
            this.instances = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** An instance whose state matches ends: its state is deleted. */
        public Builder<E, S, C> endWhen(Predicate<? super S> ended) {
            this.ended = Objects.requireNonNull(ended, "ended");
            return this;
        }

        /** Events of these types change nothing and issue no commands. */
        @SafeVarargs
        public final Builder<E, S, C> ignore(Class<? extends E>... types) {
            for (Class<? extends E> type : types) {
                mention(type);
            }
            return this;
        }

        private Class<?> mention(Class<?> type) {
            Objects.requireNonNull(type, "type");
            if (!mentioned.contains(type)) {
                mentioned.add(type);
            }
            return type;
        }

        /**
         * The process.
         *
         * @throws IllegalStateException naming every event type that is not mentioned (or mentioned twice)
         */
        public ProcessManager<E, S, C> build() {
            Map<Class<?>, Handling<S, C>> handling = new LinkedHashMap<>();
            for (Class<?> type : mentioned) {
                handling.put(
                        type,
                        new Handling<>(
                                evolvers.getOrDefault(type, (state, event) -> state),
                                reactions.getOrDefault(type, (state, event) -> List.of()),
                                timerRequests.getOrDefault(type, (state, event) -> List.of())));
            }
            List<String> problems = new ArrayList<>();
            SealedHandlers<Handling<S, C>> handlers = SealedHandlers.of(eventType, "event", handling, problems);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the process over " + SealedHandlers.name(eventType)
                        + " is incomplete: " + String.join("; ", problems));
            }
            S initial = initialState;
            Function<? super E, List<String>> instancesOf = instances;
            Predicate<? super S> endedWhen = ended;
            BiFunction<? super S, TimerDue, List<C>> timerReaction = onTimer;
            BiFunction<S, TimerDue, S> timerEvolve = evolveOnTimer;
            return new ProcessManager<>() {
                @Override
                public S initialState() {
                    return initial;
                }

                @Override
                public S evolve(S state, E event) {
                    return handlers.handlerFor(event).evolve().apply(state, event);
                }

                @Override
                public List<C> react(S state, E event) {
                    return handlers.handlerFor(event).react().apply(state, event);
                }

                @Override
                public List<String> instancesOf(E event) {
                    return List.copyOf(instancesOf.apply(event));
                }

                @Override
                public boolean ended(S state) {
                    return endedWhen.test(state);
                }

                @Override
                public List<TimerRequest> timers(S state, E event) {
                    return handlers.handlerFor(event).timers().apply(state, event);
                }

                @Override
                public List<C> onTimer(S state, TimerDue due) {
                    return timerReaction.apply(state, due);
                }

                @Override
                public S evolveOnTimer(S state, TimerDue due) {
                    return timerEvolve.apply(state, due);
                }
            };
        }

        private record Handling<S, C>(
                BiFunction<S, Object, S> evolve,
                BiFunction<S, Object, List<C>> react,
                BiFunction<S, Object, List<TimerRequest>> timers) {}
    }
}
