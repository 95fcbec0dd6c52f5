package dev.verdict.projection;

import dev.verdict.decider.View;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A {@link View} held in memory as a projection: the state and its checkpoint change together, so within the
 * process every event has exactly one effect. Nothing survives a restart – pair it with an {@linkplain
 * ProjectionRunner.Builder#ephemeral() ephemeral} runner, which replays from the start (or use a durable store for
 * views that must survive).
 *
 * <pre>{@code
 * ViewProjection<Integer, CounterEvent> total = ViewProjection.of("total", View.of(0, (sum, e) -> sum + 1));
 * ProjectionRunner<CounterEvent> runner =
 *         NatsProjections.runner(connection, filter, codec, reader, total).ephemeral().build();
 * runner.start();
 * runner.caughtUp().join();
 * int count = total.state();
 * }</pre>
 *
 * @param <S> the view's state
 * @param <E> the events it reads
 */
public final class ViewProjection<S, E> implements Projection<E> {
    private final String name;
    private final View<S, E> view;
    private volatile Position<S> current;

    private ViewProjection(String name, View<S, E> view) {
        this.name = name;
        this.view = view;
        this.current = new Position<>(view.initialState(), 0);
    }

    /** A projection of the view under the given name. */
    public static <S, E> ViewProjection<S, E> of(String name, View<S, E> view) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(view, "view");
        return new ViewProjection<>(name, view);
    }

    @Override
    public String name() {
        return name;
    }

    /** The state after the last applied event. Safe to read from any thread. */
    public S state() {
        return current.state();
    }

    @Override
    public OptionalLong checkpoint() {
        return OptionalLong.of(current.sequence());
    }

    @Override
    public void apply(DeliveredEvent<E> event) {
        Position<S> now = current;
        if (event.sequence() <= now.sequence()) {
            return;
        }
        current = new Position<>(view.evolve(now.state(), event.event()), event.sequence());
    }

    /** Folds the events after the position the call began at; events of one split message share a sequence. */
    @Override
    public void applyBatch(List<DeliveredEvent<E>> events) {
        Position<S> now = current;
        S state = now.state();
        long sequence = now.sequence();
        for (DeliveredEvent<E> event : events) {
            if (event.sequence() > now.sequence()) {
                state = view.evolve(state, event.event());
                sequence = event.sequence();
            }
        }
        current = new Position<>(state, sequence);
    }

    @Override
    public void applyOutOfOrder(DeliveredEvent<E> event) {
        Position<S> now = current;
        current = new Position<>(view.evolve(now.state(), event.event()), now.sequence());
    }

    @Override
    public void reset() {
        current = new Position<>(view.initialState(), 0);
    }

    private record Position<S>(S state, long sequence) {}
}
