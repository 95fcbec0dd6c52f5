package dev.verdict.testing;

import dev.verdict.decider.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Given/then specifications for a read model ({@link View}): given events, then the view's state. The same view
 * runs in a projection on a JetStream consumer, so this is also how projections are specified.
 *
 * <pre>{@code
 * View<Integer, AccountEvent> balance = View.of(0, (sum, event) -> ...);
 * ViewSpec.of(balance)
 *         .given(new Opened("alice"), new Deposited(100), new Withdrawn(30))
 *         .then(70)
 *         .andGiven(new Deposited(5))
 *         .then(75);
 * }</pre>
 *
 * <p>Checked on every spec: {@code evolve} mutates neither the state it gets nor the event (compared by {@code
 * toString}), and folding the same events twice gives equal states. A failure lists the events, the expected and
 * the actual state, and a field-level difference.
 *
 * @param <S> the view's state
 * @param <E> the events it reads
 */
public final class ViewSpec<S, E> {
    private final View<S, E> view;

    private ViewSpec(View<S, E> view) {
        this.view = view;
    }

    /** A spec of the given view. */
    public static <S, E> ViewSpec<S, E> of(View<S, E> view) {
        return new ViewSpec<>(Objects.requireNonNull(view, "view"));
    }

    /** Folds these events onto the view's initial state. */
    @SafeVarargs
    public final Given<S, E> given(E... events) {
        List<E> list = new ArrayList<>(events.length);
        for (E element : events) {
            list.add(element);
        }
        return given(list);
    }

    /** Folds these events onto the view's initial state. */
    public Given<S, E> given(List<? extends E> events) {
        return new Given<>(view, List.of()).andGiven(events);
    }

    /** No events: the view's initial state. */
    public Given<S, E> givenNothing() {
        return given(List.of());
    }

    /**
     * The events a view has read and the state they produced.
     *
     * @param <S> the view's state
     * @param <E> the events it reads
     */
    public static final class Given<S, E> {
        private final View<S, E> view;
        private final List<E> events;
        private final S state;

        private Given(View<S, E> view, List<E> events) {
            this.view = view;
            this.events = List.copyOf(events);
            this.state = fold(view, this.events);
        }

        private static <S, E> S fold(View<S, E> view, List<E> events) {
            S state = view.initialState();
            for (int i = 0; i < events.size(); i++) {
                E event = events.get(i);
                String stateBefore = String.valueOf(state);
                String eventBefore = String.valueOf(event);
                S next;
                try {
                    next = view.evolve(state, event);
                } catch (RuntimeException e) {
                    throw FailureReport.headline("The view's evolve threw on event " + (i + 1) + ".")
                            .list("given", events, "event")
                            .line("state before that event", state)
                            .exception("evolve threw", e)
                            .failure(e);
                }
                if (!stateBefore.equals(String.valueOf(state)) || !eventBefore.equals(String.valueOf(event))) {
                    throw FailureReport.headline("The view's evolve mutated its state or event (event " + (i + 1)
                                    + "); views must be pure.")
                            .line("state before", stateBefore)
                            .line("state after", state)
                            .line("event before", eventBefore)
                            .line("event after", event)
                            .failure();
                }
                if (next == null) {
                    throw FailureReport.headline("The view's evolve returned null on event " + (i + 1) + ".")
                            .list("given", events, "event")
                            .failure();
                }
                state = next;
            }
            return state;
        }

        /** The same events followed by more. */
        @SafeVarargs
        public final Given<S, E> andGiven(E... more) {
            List<E> list = new ArrayList<>(more.length);
            for (E element : more) {
                list.add(element);
            }
            return andGiven(list);
        }

        /** The same events followed by more. */
        public Given<S, E> andGiven(List<? extends E> more) {
            Objects.requireNonNull(more, "more");
            List<E> all = new ArrayList<>(events);
            for (E event : more) {
                all.add(Objects.requireNonNull(event, "events must not contain null"));
            }
            Given<S, E> next = new Given<>(view, all);
            S again = fold(view, all);
            if (!Objects.equals(next.state, again)) {
                throw FailureReport.headline(
                                "Folding the same events twice gave different states: the view's evolve is not"
                                        + " deterministic.")
                        .list("given", all, "event")
                        .line("first", next.state)
                        .line("second", again)
                        .lines("difference", RecordDiff.between(next.state, again))
                        .failure(next.state, again);
            }
            return next;
        }

        /** Expects the view's state to equal this one. */
        public Given<S, E> then(S expected) {
            if (!Objects.equals(expected, state)) {
                throw FailureReport.headline("The view's state is not the expected one.")
                        .list("given", events, "event")
                        .line("expected", expected)
                        .line("actual", state)
                        .lines("difference", RecordDiff.between(expected, state))
                        .failure(expected, state);
            }
            return this;
        }

        /** Checks the view's state with your own assertions. */
        public Given<S, E> thenState(Consumer<? super S> check) {
            Objects.requireNonNull(check, "check");
            try {
                check.accept(state);
            } catch (AssertionError e) {
                throw FailureReport.headline("The view's state does not satisfy the check: " + e.getMessage())
                        .list("given", events, "event")
                        .line("actual", state)
                        .failure(e);
            }
            return this;
        }

        /** The view's state after the given events. */
        public S state() {
            return state;
        }
    }
}
