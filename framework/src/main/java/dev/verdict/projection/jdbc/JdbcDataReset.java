package dev.verdict.projection.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Clears a relational read model before a rebuild, inside the transaction that also resets its checkpoint.
 *
 * <pre>{@code
 * JdbcDataReset reset = connection -> {
 *     try (var st = connection.createStatement()) {
 *         st.executeUpdate("DELETE FROM totals");
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface JdbcDataReset {

    /** Deletes the read model's rows (or drops and recreates its tables). */
    void clear(Connection connection) throws SQLException;
}
