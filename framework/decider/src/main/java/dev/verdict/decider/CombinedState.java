package dev.verdict.decider;

import java.util.Objects;

/**
 * The state of two deciders run side by side by {@link Decider#combine}: each part evolves independently.
 *
 * <pre>{@code
 * Decider<Object, CombinedState<Counter, Account>, Object> both = Decider.combine(counters, accounts);
 * CombinedState<Counter, Account> s = both.initialState();   // CombinedState[first=Counter[value=0], second=...]
 * s.first();                                                  // the counter's part
 * }</pre>
 *
 * @param first the first decider's state, never {@code null}
 * @param second the second decider's state, never {@code null}
 * @param <S1> the first decider's state type
 * @param <S2> the second decider's state type
 */
public record CombinedState<S1, S2>(S1 first, S2 second) {
    public CombinedState {
        Objects.requireNonNull(first, "first state must be a value, not null");
        Objects.requireNonNull(second, "second state must be a value, not null");
    }

    /** This state with its first part replaced. */
    public CombinedState<S1, S2> withFirst(S1 state) {
        return new CombinedState<>(state, second);
    }

    /** This state with its second part replaced. */
    public CombinedState<S1, S2> withSecond(S2 state) {
        return new CombinedState<>(first, state);
    }
}
