package dev.verdict.projection.jdbc;

import dev.verdict.projection.DeliveredEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the effect of consecutive events into a relational read model at once, inside the transaction {@link
 * JdbcProjection} opened – for handlers that gain from JDBC batching ({@code addBatch}/{@code executeBatch}, one round
 * trip for many statements). The list holds one event when the runner applies events one by one (after a failed batch,
 * a redelivery, a replayed dead letter). Do not commit, roll back or close the connection; throw to leave nothing
 * behind.
 *
 * <pre>{@code
 * JdbcBatchHandler<CounterEvent> handler = (connection, events) -> {
 *     try (var ps = connection.prepareStatement("UPDATE totals SET amount = amount + ? WHERE id = ?")) {
 *         for (DeliveredEvent<CounterEvent> delivered : events) {
 *             ps.setLong(1, ((CounterEvent.Added) delivered.event()).amount());
 *             ps.setString(2, delivered.recorded().entity().id().value());
 *             ps.addBatch();
 *         }
 *         ps.executeBatch();
 *     }
 * };
 * }</pre>
 *
 * @param <E> the events it reads
 */
@FunctionalInterface
public interface JdbcBatchHandler<E> {

    /** Applies the events' effects, in order, using the given connection (auto-commit off). */
    void apply(Connection connection, List<DeliveredEvent<E>> events) throws SQLException;
}
