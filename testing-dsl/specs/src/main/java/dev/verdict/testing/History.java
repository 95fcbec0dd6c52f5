package dev.verdict.testing;

import dev.verdict.decider.DomainRejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A reachable history: the steps of a command sequence folded through {@code decide} and {@code evolve} from the
 * initial state, rejected commands leaving the state unchanged. Built by {@link DeciderLaws#replay}, for your own
 * properties.
 *
 * <pre>{@code
 * History<AccountCommand, Account, AccountEvent> h = laws.replay(List.of(new Open("a"), new Withdraw(5)));
 * h.finalState();       // Account[status=OPEN, owner=a, balance=0]
 * h.steps().get(1).rejection();  // Optional[InsufficientFunds[account.insufficient-funds]: ...]
 * }</pre>
 *
 * @param initialState the decider's initial state
 * @param steps one step per command, in order
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public record History<C, S, E>(S initialState, List<Step<C, S, E>> steps) {
    public History {
        Objects.requireNonNull(initialState, "initialState");
        steps = List.copyOf(steps);
    }

    /**
     * One command of a history.
     *
     * @param command the command
     * @param before the state it was decided on
     * @param events the events decided, empty when rejected or when nothing happened
     * @param rejection the rejection, if the command was rejected
     * @param after the state after the events (equal to {@code before} when rejected)
     */
    public record Step<C, S, E>(C command, S before, List<E> events, Optional<DomainRejection> rejection, S after) {
        public Step {
            events = List.copyOf(events);
        }

        public boolean accepted() {
            return rejection.isEmpty();
        }
    }

    /** The state after the last step. */
    public S finalState() {
        return steps.isEmpty() ? initialState : steps.get(steps.size() - 1).after();
    }

    /** Every state of the history, the initial one first. */
    public List<S> states() {
        List<S> states = new ArrayList<>(steps.size() + 1);
        states.add(initialState);
        steps.forEach(s -> states.add(s.after()));
        return states;
    }

    /** All events decided, in order. */
    public List<E> events() {
        List<E> events = new ArrayList<>();
        steps.forEach(s -> events.addAll(s.events()));
        return events;
    }

    /** The commands of the steps that were accepted. */
    public List<C> acceptedCommands() {
        return steps.stream().filter(Step::accepted).map(Step::command).toList();
    }
}
