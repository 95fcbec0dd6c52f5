package dev.verdict.projection.jdbc;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relational read model with an <b>exactly-once effect</b>: each event's effect and the projection's checkpoint
 * are written in one JDBC transaction, so a redelivered event (after a crash, a lost ack, a restart) finds the
 * checkpoint already past it and changes nothing.
 *
 * <p>The checkpoint lives in the table {@value #CHECKPOINT_TABLE} ({@code projection} primary key, {@code
 * last_sequence}, {@code updated_at}), created if missing, one row per projection, in the same database as the read
 * model. Each event runs:
 *
 * <pre>
 * BEGIN;
 *   UPDATE verdict_projection_checkpoint SET last_sequence = :seq, updated_at = now
 *    WHERE projection = :name AND last_sequence &lt; :seq;     -- 0 rows: already applied, roll back and skip
 *   ...your handler's statements...
 * COMMIT;
 * </pre>
 *
 * The conditional update also locks the checkpoint row, so even two runners on the same projection by mistake
 * cannot apply an event twice. Tested on H2 and PostgreSQL; any database with transactions and row locks works.
 *
 * <p>One JDBC connection is kept open and reused (one transaction per event); it is replaced after an error. Lost
 * connections and serialization failures are reported as {@link ProjectionUnavailable} (retried, never
 * dead-lettered); other {@link SQLException}s and handler exceptions make the event poison after the retries.
 *
 * <pre>{@code
 * JdbcProjection<CounterEvent> totals = JdbcProjection.of("totals", dataSource,
 *         (connection, delivered) -> {
 *             try (var ps = connection.prepareStatement(
 *                     "UPDATE totals SET amount = amount + 1 WHERE id = ?")) {
 *                 ps.setString(1, delivered.recorded().entity().id().value());
 *                 ps.executeUpdate();
 *             }
 *         },
 *         connection -> {
 *             try (var st = connection.createStatement()) {
 *                 st.executeUpdate("DELETE FROM totals");
 *             }
 *         });
 * }</pre>
 *
 * @param <E> the events it reads
 */
public final class JdbcProjection<E> implements Projection<E> {
    /** The checkpoint table's name. */
    public static final String CHECKPOINT_TABLE = "verdict_projection_checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcProjection.class);

    private final String name;
    private final DataSource dataSource;
    private final JdbcEventHandler<E> handler;
    private final JdbcDataReset reset;
    private Connection connection;
    private long cachedCheckpoint = -1;

    private JdbcProjection(String name, DataSource dataSource, JdbcEventHandler<E> handler, JdbcDataReset reset) {
        this.name = name;
        this.dataSource = dataSource;
        this.handler = handler;
        this.reset = reset;
    }

    /**
     * A JDBC projection; creates the checkpoint table and this projection's row if missing.
     *
     * @param name the projection's name (one subject token; also names its consumer)
     * @throws ProjectionFailure when the database cannot be reached
     */
    public static <E> JdbcProjection<E> of(
            String name, DataSource dataSource, JdbcEventHandler<E> handler, JdbcDataReset reset) {
        dev.verdict.store.EntityId.of(Objects.requireNonNull(name, "name"));
        JdbcProjection<E> projection = new JdbcProjection<>(
                name,
                Objects.requireNonNull(dataSource, "dataSource"),
                Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(reset, "reset"));
        projection.initialize();
        return projection;
    }

    @Override
    public String name() {
        return name;
    }

    /** The checkpoint as stored in the database (cached after each commit). */
    @Override
    public synchronized OptionalLong checkpoint() {
        if (cachedCheckpoint < 0) {
            try {
                cachedCheckpoint = readCheckpoint(connection());
                connection().commit();
            } catch (SQLException e) {
                discardConnection();
                throw failure("read the checkpoint", e);
            }
        }
        return OptionalLong.of(cachedCheckpoint);
    }

    @Override
    public synchronized void apply(DeliveredEvent<E> event) {
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + CHECKPOINT_TABLE
                    + " SET last_sequence = ?, updated_at = ? WHERE projection = ? AND last_sequence < ?")) {
                ps.setLong(1, event.sequence());
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, name);
                ps.setLong(4, event.sequence());
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    cachedCheckpoint = -1;
                    LOG.debug("projection '{}' skips sequence {}: already applied", name, event.sequence());
                    return;
                }
            }
            handler.apply(c, event);
            c.commit();
            cachedCheckpoint = event.sequence();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("apply sequence " + event.sequence(), e);
        } catch (RuntimeException | Error e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Applies a replayed dead letter in its own transaction, leaving the checkpoint where it is. */
    @Override
    public synchronized void applyOutOfOrder(DeliveredEvent<E> event) {
        try {
            Connection c = connection();
            handler.apply(c, event);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("replay sequence " + event.sequence(), e);
        } catch (RuntimeException | Error e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Clears the data (your reset) and sets the checkpoint to 0, in one transaction. */
    @Override
    public synchronized void reset() {
        try {
            Connection c = connection();
            reset.clear(c);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + CHECKPOINT_TABLE + " SET last_sequence = 0, updated_at = ? WHERE projection = ?")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setString(2, name);
                ps.executeUpdate();
            }
            c.commit();
            cachedCheckpoint = 0;
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("reset", e);
        }
    }

    /** Closes the JDBC connection this projection keeps; a later call opens a new one. */
    public synchronized void closeConnection() {
        discardConnection();
    }

    private void initialize() {
        try {
            Connection c = connection();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("CREATE TABLE IF NOT EXISTS " + CHECKPOINT_TABLE
                        + " (projection VARCHAR(128) PRIMARY KEY, last_sequence BIGINT NOT NULL,"
                        + " updated_at TIMESTAMP NOT NULL)");
            }
            c.commit();
            if (readCheckpoint(c) < 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + CHECKPOINT_TABLE
                        + " (projection, last_sequence, updated_at) VALUES (?, 0, ?)")) {
                    ps.setString(1, name);
                    ps.setTimestamp(2, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw e;
                    }
                    // inserted concurrently: fine
                }
            }
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("create the checkpoint table", e);
        }
    }

    /** The stored checkpoint, or -1 when the row is missing. */
    private long readCheckpoint(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT last_sequence FROM " + CHECKPOINT_TABLE + " WHERE projection = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void rollbackQuietly() {
        cachedCheckpoint = -1;
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            discardConnection();
        }
    }

    private void discardConnection() {
        cachedCheckpoint = -1;
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the connection of projection '{}': {}", name, e.toString());
            }
        }
    }

    private RuntimeException failure(String what, SQLException e) {
        String message = "projection '" + name + "' could not " + what + ": " + e.getMessage() + " (SQLState "
                + e.getSQLState() + ")";
        if (isTransient(e)) {
            discardConnection();
            return new ProjectionUnavailable(message, e);
        }
        return new ProjectionFailure(message, e);
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || state.startsWith("08") // connection exception
                || state.equals("40001") // serialization failure
                || state.equals("40P01") // deadlock (PostgreSQL)
                || state.startsWith("57P"); // operator intervention (PostgreSQL shutdown)
    }
}
