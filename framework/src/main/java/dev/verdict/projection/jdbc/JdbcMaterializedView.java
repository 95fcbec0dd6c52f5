package dev.verdict.projection.jdbc;

import dev.verdict.decider.View;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.store.EntityRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A durable read model driven by a pure {@link View}: one state per entity, kept in the application's table through
 * {@link JdbcViewStates} – a materialized view. For each event the entity's state is loaded (or the view's initial
 * state), evolved by the view, and saved with the event's sequence, in the transaction that also moves the
 * projection's checkpoint: the guarantees are {@link JdbcProjection}'s (exactly-once effect, batches, rebuilds fenced
 * against other instances, storage outages retried). The view itself holds no SQL, so it is specified without a
 * database ({@code ViewSpec}) and the same events give the same rows on every instance and in a clean replay.
 *
 * <pre>{@code
 * View<Optional<Balance>, AccountEvent> balance = View.builder(Optional.<Balance>empty(), AccountEvent.class)
 *         .on(Opened.class, (none, opened) -> Optional.of(new Balance(opened.owner(), 0)))
 *         .on(Deposited.class, (b, d) -> b.map(x -> x.plus(d.amount())))
 *         .build();
 * JdbcProjection<AccountEvent> balances = JdbcMaterializedView.of("balances", dataSource, balance, balanceTable);
 * NatsProjections.runner(connection, SubjectFilter.category(store, Category.of("account")), codec, balances)
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>A batch of events loads each entity once; each event's state is saved with its sequence (one write per event, so
 * a table's triggers or audit see every change).
 * Keyed by the event's entity ({@link EntityRef}: category and id): a view over several categories keeps one state per
 * entity of each.
 */
public final class JdbcMaterializedView {
    private JdbcMaterializedView() {}

    /**
     * The projection named {@code name} that keeps {@code view}'s state of every entity in {@code states}.
     *
     * @throws dev.verdict.projection.ProjectionUnavailable when the database cannot be reached now
     * @throws dev.verdict.projection.ProjectionFailure when the database refuses to create the checkpoint table
     */
    public static <S, E> JdbcProjection<E> of(
            String name, DataSource dataSource, View<S, E> view, JdbcViewStates<S> states) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(states, "states");
        return JdbcProjection.ofBatches(name, dataSource, (c, events) -> apply(c, view, states, events), states::clear);
    }

    private static <S, E> void apply(
            Connection connection, View<S, E> view, JdbcViewStates<S> states, List<DeliveredEvent<E>> events)
            throws SQLException {
        Map<EntityRef, S> loaded = new HashMap<>();
        for (DeliveredEvent<E> event : events) {
            EntityRef entity = event.recorded().entity();
            S state = loaded.containsKey(entity)
                    ? loaded.get(entity)
                    : states.load(connection, entity).orElseGet(view::initialState);
            S after = Objects.requireNonNull(
                    view.evolve(state, event.event()), "the view returned null for " + entity + "#" + event.sequence());
            states.save(connection, entity, after, event.sequence());
            loaded.put(entity, after);
        }
    }
}
