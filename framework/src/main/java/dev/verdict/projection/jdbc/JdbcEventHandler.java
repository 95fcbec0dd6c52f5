package dev.verdict.projection.jdbc;

import dev.verdict.projection.DeliveredEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes one event's effect into a relational read model, inside the transaction {@link JdbcProjection} opened. Do
 * not commit, roll back or close the connection; throw to leave nothing behind.
 *
 * <pre>{@code
 * JdbcEventHandler<CounterEvent> handler = (connection, delivered) -> {
 *     try (var ps = connection.prepareStatement("UPDATE totals SET amount = amount + ? WHERE id = ?")) {
 *         ps.setLong(1, ((CounterEvent.Added) delivered.event()).amount());
 *         ps.setString(2, delivered.recorded().entity().id().value());
 *         ps.executeUpdate();
 *     }
 * };
 * }</pre>
 *
 * @param <E> the events it reads
 */
@FunctionalInterface
public interface JdbcEventHandler<E> {

    /** Applies the event's effect using the given connection (auto-commit off). */
    void apply(Connection connection, DeliveredEvent<E> event) throws SQLException;
}
