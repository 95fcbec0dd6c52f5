package dev.verdict.decider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A pure decision model: given a command and the current state, decide which events happen; given a state and an
 * event, evolve the state.
 *
 * <p>Contract every implementation keeps (and {@code DeciderLaws} in the test kit checks):
 *
 * <ul>
 *   <li>{@link #initialState()} is a real value (e.g. an empty record), never {@code null};
 *   <li>{@link #decide} and {@link #evolve} are pure: no I/O, no clock, no randomness, no mutation of their
 *       arguments. Time and ids travel inside commands;
 *   <li>a business refusal is signalled by throwing a {@link DomainRejection}; an empty list means "nothing to
 *       do" and nothing is written;
 *   <li>{@link #evolve} accepts every event {@link #decide} produced.
 * </ul>
 *
 * <p>Deciders compose: {@link #widen} adapts one to wider command and event types, {@link #combine} runs two side
 * by side with a {@link CombinedState}, and {@link #mapCommand} puts one behind another command type. A decision
 * over several entities is a {@link MultiDecider}.
 *
 * <p>Write a decider over sealed commands and events with {@link #builder}: one handler per permitted subtype,
 * each receiving its own type, no casts – and {@link Builder#build()} refuses a decider that misses a subtype,
 * naming it, so a new command or event without a handler fails when the application starts, not when the command
 * first arrives:
 *
 * <pre>{@code
 * sealed interface CounterCommand { record Add(int amount) implements CounterCommand {} }
 * sealed interface CounterEvent { record Added(int amount) implements CounterEvent {} }
 * record Counter(int value) {}
 *
 * Decider<CounterCommand, Counter, CounterEvent> counter = Decider.builder(
 *                 new Counter(0), CounterCommand.class, CounterEvent.class)
 *         .decide(CounterCommand.Add.class, (add, state) -> {
 *             if (state.value() + add.amount() > 100) {
 *                 throw new DomainRejection("counter.limit", "the counter cannot exceed 100") {};
 *             }
 *             return List.of(new CounterEvent.Added(add.amount()));
 *         })
 *         .evolve(CounterEvent.Added.class, (state, added) -> new Counter(state.value() + added.amount()))
 *         .build();
 * }</pre>
 *
 * <p>On Java 21+ a pattern {@code switch} over the sealed type inside {@link #of} is the other exhaustive form.
 *
 * @param <C> the command type, usually a sealed interface of records
 * @param <S> the state type, usually a record
 * @param <E> the event type, usually a sealed interface of records
 */
public interface Decider<C, S, E> {

    /** The state of an entity that has no events yet. Never {@code null}. */
    S initialState();

    /**
     * Decides which events the command causes in the given state.
     *
     * @return the events, in order; empty when the command changes nothing
     * @throws DomainRejection when the command is refused for a business reason
     */
    List<E> decide(C command, S state);

    /** The state after the event. */
    S evolve(S state, E event);

    /**
     * Whether no command can change this state any more (e.g. a cancelled prescription). A terminal state must be
     * absorbing: {@link #decide} returns no events or rejects. The runtime may skip reading events after a terminal
     * snapshot. Defaults to {@code false}.
     */
    default boolean isTerminal(S state) {
        return false;
    }

    /**
     * Folds events onto a state with {@link #evolve}, left to right.
     *
     * <pre>{@code
     * Counter now = counter.fold(counter.initialState(), List.of(new Added(2), new Added(3))); // Counter[value=5]
     * }</pre>
     */
    default S fold(S state, Iterable<? extends E> events) {
        S current = state;
        for (E event : events) {
            current = evolve(current, event);
        }
        return current;
    }

    /**
     * A decider from functions, for models small enough to write as lambdas.
     *
     * <pre>{@code
     * Decider<CounterCommand, Counter, CounterEvent> d = Decider.of(new Counter(0), decide, evolve);
     * }</pre>
     */
    static <C, S, E> Decider<C, S, E> of(
            S initialState, BiFunction<? super C, ? super S, List<E>> decide, BiFunction<S, ? super E, S> evolve) {
        return of(initialState, decide, evolve, state -> false);
    }

    /**
     * A decider from functions, with a terminal-state predicate.
     *
     * <pre>{@code
     * Decider<OrderCommand, Order, OrderEvent> d =
     *         Decider.of(Order.EMPTY, Orders::decide, Orders::evolve, Order::isClosed);
     * }</pre>
     */
    static <C, S, E> Decider<C, S, E> of(
            S initialState,
            BiFunction<? super C, ? super S, List<E>> decide,
            BiFunction<S, ? super E, S> evolve,
            Predicate<? super S> isTerminal) {
        Objects.requireNonNull(initialState, "initialState must be a value, not null (use an empty record)");
        Objects.requireNonNull(decide, "decide");
        Objects.requireNonNull(evolve, "evolve");
        Objects.requireNonNull(isTerminal, "isTerminal");
        return new Decider<>() {
            @Override
            public S initialState() {
                return initialState;
            }

            @Override
            public List<E> decide(C command, S state) {
                return decide.apply(command, state);
            }

            @Override
            public S evolve(S state, E event) {
                return evolve.apply(state, event);
            }

            @Override
            public boolean isTerminal(S state) {
                return isTerminal.test(state);
            }
        };
    }

    /**
     * A builder for a decider over a sealed command type and a sealed event type: register one {@link
     * Builder#decide decide} handler per command and one {@link Builder#evolve evolve} handler per event, then
     * {@link Builder#build() build}. Each handler receives the subtype it was registered for – no casts.
     *
     * <p>Guarantees of the built decider:
     *
     * <ul>
     *   <li>every permitted subtype of both sealed hierarchies – recursively through nested sealed interfaces – has
     *       exactly one handler, or {@code build()} throws and names each one that has none (or two);
     *   <li>dispatch looks the handler up by the value's class in a {@link ClassValue} filled once per class: no
     *       reflection, no {@code instanceof} chain and no allocation per call, so a decision allocates exactly what
     *       its handlers allocate – the same as plain functions;
     *   <li>the builder may be reused or changed after {@code build()} without affecting what it built.
     * </ul>
     *
     * <p>A handler may also be registered for a nested sealed interface as a whole (e.g. all {@code
     * RefillCommand}s of a {@code PrescriptionCommand}); it then covers all of its members.
     *
     * <pre>{@code
     * Decider<CounterCommand, Counter, CounterEvent> counter = Decider.builder(
     *                 new Counter(0), CounterCommand.class, CounterEvent.class)
     *         .decide(CounterCommand.Add.class, (add, state) -> List.of(new CounterEvent.Added(add.amount())))
     *         .evolve(CounterEvent.Added.class, (state, added) -> new Counter(state.value() + added.amount()))
     *         .build();
     * }</pre>
     *
     * @param initialState the state of an entity without events, never {@code null}
     * @param commandType the sealed command type
     * @param eventType the sealed event type
     * @throws IllegalArgumentException when {@code commandType} or {@code eventType} is not sealed
     */
    static <C, S, E> Builder<C, S, E> builder(S initialState, Class<C> commandType, Class<E> eventType) {
        return new Builder<>(initialState, commandType, eventType);
    }

    /**
     * Collects the handlers of a typed decider; see {@link Decider#builder}. Not thread-safe; what it builds is
     * immutable and thread-safe.
     *
     * @param <C> the sealed command type
     * @param <S> the state type
     * @param <E> the sealed event type
     */
    final class Builder<C, S, E> {
        private final S initialState;
        private final Class<C> commandType;
        private final Class<E> eventType;
        private final Map<Class<?>, BiFunction<Object, S, List<E>>> deciders = new LinkedHashMap<>();
        private final Map<Class<?>, BiFunction<S, Object, S>> evolvers = new LinkedHashMap<>();
        private Predicate<? super S> isTerminal = state -> false;

        private Builder(S initialState, Class<C> commandType, Class<E> eventType) {
            this.initialState = Objects.requireNonNull(
                    initialState, "initialState must be a value, not null (use an empty record)");
            SealedHandlers.requireSealed(commandType, "command", "Decider.of");
            SealedHandlers.requireSealed(eventType, "event", "Decider.of");
            this.commandType = commandType;
            this.eventType = eventType;
        }

        /**
         * Decides commands of {@code type} (a permitted subtype of the command type, or a sealed group of them).
         *
         * @throws IllegalArgumentException when {@code type} has a handler already
         */
        @SuppressWarnings("unchecked")
        public <T extends C> Builder<C, S, E> decide(Class<T> type, BiFunction<? super T, ? super S, List<E>> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (deciders.putIfAbsent(type, (BiFunction<Object, S, List<E>>) handler) != null) {
                throw new IllegalArgumentException("command " + SealedHandlers.name(type) + " has a handler already");
            }
            return this;
        }

        /**
         * Evolves the state by events of {@code type} (a permitted subtype of the event type, or a sealed group).
         *
         * @throws IllegalArgumentException when {@code type} has a handler already
         */
        @SuppressWarnings("unchecked")
        public <T extends E> Builder<C, S, E> evolve(Class<T> type, BiFunction<S, ? super T, S> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (evolvers.putIfAbsent(type, (BiFunction<S, Object, S>) handler) != null) {
                throw new IllegalArgumentException("event " + SealedHandlers.name(type) + " has a handler already");
            }
            return this;
        }

        /** The decider's {@link Decider#isTerminal}; never terminal unless set. */
        public Builder<C, S, E> terminalWhen(Predicate<? super S> terminal) {
            this.isTerminal = Objects.requireNonNull(terminal, "terminal");
            return this;
        }

        /**
         * The decider.
         *
         * @throws IllegalStateException naming every command and event without a handler (or with two), and every
         *     handler that covers nothing
         */
        public Decider<C, S, E> build() {
            List<String> problems = new ArrayList<>();
            SealedHandlers<BiFunction<Object, S, List<E>>> decide =
                    SealedHandlers.of(commandType, "command", deciders, problems);
            SealedHandlers<BiFunction<S, Object, S>> evolve = SealedHandlers.of(eventType, "event", evolvers, problems);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the decider over " + SealedHandlers.name(commandType) + " and "
                        + SealedHandlers.name(eventType) + " is incomplete: " + String.join("; ", problems));
            }
            return new TypedDecider<>(initialState, decide, evolve, isTerminal);
        }
    }

    /**
     * This decider, taking commands of another type that are translated into its own: a command for which {@code
     * translate} answers empty is none of this decider's business and decides nothing. Use it to put a decider behind
     * an envelope or an API command type.
     *
     * <pre>{@code
     * record ApiRequest(String kind, int amount) {}
     * Decider<ApiRequest, Counter, CounterEvent> api = counter.mapCommand(request ->
     *         request.kind().equals("add") ? Optional.of(new CounterCommand.Add(request.amount())) : Optional.empty());
     * api.decide(new ApiRequest("add", 2), new Counter(0));   // [Added[amount=2]]
     * api.decide(new ApiRequest("ping", 0), new Counter(0));  // []
     * }</pre>
     *
     * @param translate from the new command type to this decider's, empty when the command is not for it
     * @param <C2> the new command type
     */
    default <C2> Decider<C2, S, E> mapCommand(Function<? super C2, Optional<? extends C>> translate) {
        Objects.requireNonNull(translate, "translate");
        Decider<C, S, E> self = this;
        return of(
                initialState(),
                (C2 command, S state) -> {
                    Optional<? extends C> own = translate.apply(command);
                    return own.isPresent() ? self.decide(own.get(), state) : List.of();
                },
                self::evolve,
                self::isTerminal);
    }

    /**
     * A decider over wider command and event types (usually a common supertype, or {@code Object}), so it can be
     * {@linkplain #combine combined} with deciders of other types. Commands that are not a {@code commandType}
     * decide nothing; events that are not an {@code eventType} leave the state unchanged.
     *
     * <pre>{@code
     * Decider<Object, Counter, Object> wide = Decider.widen(counter, CounterCommand.class, CounterEvent.class);
     * wide.decide("not a counter command", new Counter(0));    // []
     * wide.evolve(new Counter(3), "not a counter event");      // Counter[value=3]
     * }</pre>
     *
     * @param decider the decider to widen
     * @param commandType the runtime class of the decider's commands (a sealed interface, typically)
     * @param eventType the runtime class of the decider's events
     * @param <C> the wider command type
     * @param <E> the wider event type
     */
    static <C, S, E, C1 extends C, E1 extends E> Decider<C, S, E> widen(
            Decider<C1, S, E1> decider, Class<C1> commandType, Class<E1> eventType) {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(eventType, "eventType");
        return of(
                decider.initialState(),
                (C command, S state) -> commandType.isInstance(command)
                        ? Collections.<E>unmodifiableList(decider.decide(commandType.cast(command), state))
                        : List.<E>of(),
                (S state, E event) ->
                        eventType.isInstance(event) ? decider.evolve(state, eventType.cast(event)) : state,
                decider::isTerminal);
    }

    /**
     * Two deciders side by side, as one: a command goes to both and their events are concatenated (first, then
     * second); an event evolves both parts; the state is the {@link CombinedState} of both; it is terminal when both
     * parts are. A rejection from either rejects the command. Deciders over different types are {@linkplain #widen
     * widened} to a common supertype first, so each sees only its own commands and events.
     *
     * <pre>{@code
     * Decider<Object, CombinedState<Counter, Account>, Object> both = Decider.combine(
     *         Decider.widen(counter, CounterCommand.class, CounterEvent.class),
     *         Decider.widen(account, AccountCommand.class, AccountEvent.class));
     * both.decide(new CounterCommand.Add(2), both.initialState());   // [Added[amount=2]]: only the counter acts
     * }</pre>
     *
     * @param <C> the common command type
     * @param <E> the common event type
     */
    static <C, S1, S2, E> Decider<C, CombinedState<S1, S2>, E> combine(
            Decider<C, S1, E> first, Decider<C, S2, E> second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return of(
                new CombinedState<>(first.initialState(), second.initialState()),
                (C command, CombinedState<S1, S2> state) -> {
                    List<E> fromFirst = first.decide(command, state.first());
                    List<E> fromSecond = second.decide(command, state.second());
                    if (fromSecond.isEmpty()) {
                        return fromFirst;
                    }
                    if (fromFirst.isEmpty()) {
                        return fromSecond;
                    }
                    List<E> events = new ArrayList<>(fromFirst.size() + fromSecond.size());
                    events.addAll(fromFirst);
                    events.addAll(fromSecond);
                    return events;
                },
                (CombinedState<S1, S2> state, E event) ->
                        new CombinedState<>(first.evolve(state.first(), event), second.evolve(state.second(), event)),
                state -> first.isTerminal(state.first()) && second.isTerminal(state.second()));
    }
}
