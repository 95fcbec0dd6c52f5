package dev.verdict.projection.jdbc;

import dev.verdict.store.EntityRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a {@link JdbcMaterializedView} keeps the state of its {@code View} for each entity: the application's table, in
 * whatever columns it likes. Every call runs inside the projection's transaction ({@code connection} is that
 * transaction's, never committed or closed here), so a state and the projection's checkpoint commit together.
 *
 * <pre>{@code
 * JdbcViewStates<Optional<Balance>> balances = new JdbcViewStates<>() {
 *     public Optional<Optional<Balance>> load(Connection c, EntityRef account) throws SQLException { ... SELECT ... }
 *     public void save(Connection c, EntityRef account, Optional<Balance> state, long sequence) throws SQLException {
 *         ... MERGE / INSERT ... ON CONFLICT, or DELETE when the state is empty ...
 *     }
 *     public void clear(Connection c) throws SQLException { ... DELETE FROM balances ... }
 * };
 * }</pre>
 *
 * @param <S> the view's state
 */
public interface JdbcViewStates<S> {

    /** The stored state of the entity; empty when none is stored (the view then starts from its initial state). */
    Optional<S> load(Connection connection, EntityRef entity) throws SQLException;

    /**
     * Stores the entity's state after the event at stream sequence {@code sequence}, replacing what was stored. Must be
     * idempotent for the same arguments: a batch that failed is applied again event by event.
     */
    void save(Connection connection, EntityRef entity, S state, long sequence) throws SQLException;

    /** Removes every stored state (a rebuild: done after the projection's checkpoint row is locked). */
    void clear(Connection connection) throws SQLException;
}
