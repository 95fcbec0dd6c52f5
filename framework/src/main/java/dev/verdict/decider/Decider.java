package dev.verdict.decider;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
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
 * <pre>{@code
 * sealed interface CounterCommand { record Add(int amount) implements CounterCommand {} }
 * sealed interface CounterEvent { record Added(int amount) implements CounterEvent {} }
 * record Counter(int value) {}
 *
 * Decider<CounterCommand, Counter, CounterEvent> counter = Decider.of(
 *         new Counter(0),
 *         (command, state) -> {
 *             CounterCommand.Add add = (CounterCommand.Add) command;
 *             if (state.value() + add.amount() > 100) {
 *                 throw new DomainRejection("counter.limit", "the counter cannot exceed 100") {};
 *             }
 *             return List.of(new CounterEvent.Added(add.amount()));
 *         },
 *         (state, event) -> new Counter(state.value() + ((CounterEvent.Added) event).amount()));
 * }</pre>
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
}
