package dev.verdict.projection.jdbc;

import dev.verdict.projection.CheckpointMoved;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Partition;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relational read model with an <b>exactly-once effect</b>, whatever the number of instances running it: each
 * event's effect and the projection's checkpoint are written in one JDBC transaction, on the condition that the
 * checkpoint is still the one the runner expects, so a redelivered event (after a crash, a lost ack, a take-over by
 * another instance) changes nothing and no event is applied on top of a state it does not follow.
 *
 * <p>The checkpoint lives in the table {@value #CHECKPOINT_TABLE} ({@code projection} primary key, {@code
 * last_sequence}, {@code updated_at}), created if missing, one row per projection (per partition, keyed {@code
 * <name>#<i>of<n>}, when partitioned), in the same database as the read model. Each event runs:
 *
 * <pre>
 * BEGIN;
 *   UPDATE verdict_projection_checkpoint SET last_sequence = :seq, updated_at = now
 *    WHERE projection = :name AND last_sequence = :expected;   -- the checkpoint the runner saw before this event
 *   -- 0 rows: roll back; stored &gt;= :seq: already applied, skip; else CheckpointMoved (the runner resumes after it)
 *   ...your handler's statements...
 * COMMIT;
 * </pre>
 *
 * The conditional update also locks the checkpoint row, so two runners applying the same events during a take-over
 * cannot apply an event twice, and a runner that missed an event cannot apply a later one. Tested on H2 and
 * PostgreSQL; any database with transactions and row locks works.
 *
 * <p>One JDBC connection is kept open and reused (one transaction per batch); it is replaced after an error. A failure
 * of the database itself is reported as {@link ProjectionUnavailable} – retried until the database answers again,
 * never dead-lettered, also while the runner opens or resets the projection: a lost or unusable connection, a
 * connection-level exception ({@code SQLTransientException}, {@code SQLRecoverableException}), and every SQLState
 * except those that name the statement's or the data's fault (classes {@code 22} data, {@code 23} constraints, {@code
 * 42} syntax or unknown objects, and the like) – among them {@code 08*} connection, {@code 40001}/{@code 40P01}
 * serialization and deadlock, {@code 53*} out of connections or disk, {@code 25006} read-only (after a fail-over),
 * {@code 57014} statement timeout, {@code 57P*} shutdown, {@code 55P03} lock timeout. A handler exception that wraps
 * such a {@link SQLException} counts the same. Only the rest – what the event or your handler's logic causes – makes
 * the event poison after the retries.
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
    private final JdbcBatchHandler<E> handler;
    private final JdbcDataReset reset;
    private final CheckpointTable checkpoints;
    private Connection connection;

    private JdbcProjection(String name, DataSource dataSource, JdbcBatchHandler<E> handler, JdbcDataReset reset) {
        this.name = name;
        this.dataSource = dataSource;
        this.handler = handler;
        this.reset = reset;
        this.checkpoints = new CheckpointTable(name);
    }

    /**
     * A JDBC projection; creates the checkpoint table and this projection's row if missing.
     *
     * @param name the projection's name (one subject token; also names its consumer)
     * @throws ProjectionUnavailable when the database cannot be reached now (a retry may succeed)
     * @throws ProjectionFailure when the database refuses to create the checkpoint table
     */
    public static <E> JdbcProjection<E> of(
            String name, DataSource dataSource, JdbcEventHandler<E> handler, JdbcDataReset reset) {
        Objects.requireNonNull(handler, "handler");
        return ofBatches(
                name,
                dataSource,
                (connection, events) -> {
                    for (DeliveredEvent<E> event : events) {
                        handler.apply(connection, event);
                    }
                },
                reset);
    }

    /**
     * A JDBC projection whose handler writes each batch of events at once (see {@link JdbcBatchHandler}); creates the
     * checkpoint table and this projection's row if missing.
     *
     * @param name the projection's name (one subject token; also names its consumer)
     * @throws ProjectionUnavailable when the database cannot be reached now (a retry may succeed)
     * @throws ProjectionFailure when the database refuses to create the checkpoint table
     */
    public static <E> JdbcProjection<E> ofBatches(
            String name, DataSource dataSource, JdbcBatchHandler<E> handler, JdbcDataReset reset) {
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

    /** The checkpoint as stored in the database, read afresh. */
    @Override
    public OptionalLong checkpoint() {
        return checkpoint(Partition.WHOLE);
    }

    /**
     * The checkpoint of one partition as stored in the database, read afresh (its row is created at 0 when missing).
     *
     * @throws IllegalArgumentException when the projection holds checkpoints of another partition count: changing the
     *     count needs a rebuild
     */
    @Override
    public synchronized OptionalLong checkpoint(Partition partition) {
        try {
            Connection c = connection();
            checkpoints.checkPartitionCount(c, partition);
            String key = checkpoints.key(partition);
            long stored = checkpoints.read(c, key);
            if (stored < 0) {
                checkpoints.insertRow(c, key);
                stored = 0;
            }
            c.commit();
            return OptionalLong.of(stored);
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("read the checkpoint", e);
        }
    }

    /**
     * Applies the event and moves the checkpoint of its partition to its sequence, in one transaction – only if the
     * stored checkpoint is still {@link DeliveredEvent#expectedCheckpoint()} (or, when that is unknown, below the
     * event). Otherwise nothing is written: an event at or below the stored checkpoint is skipped as applied, any
     * other difference throws {@link CheckpointMoved}.
     */
    @Override
    public void apply(DeliveredEvent<E> event) {
        applyBatch(List.of(event));
    }

    /** Yes: a batch of events is one transaction with one checkpoint write. */
    @Override
    public boolean appliesBatches() {
        return true;
    }

    /**
     * Applies consecutive events of one partition in one transaction: the checkpoint moves from the first event's
     * {@link DeliveredEvent#expectedCheckpoint()} to the last event's sequence (conditional, as in {@link #apply}),
     * then your handler runs for each event, then one commit. All or nothing: on any failure nothing is written and
     * the runner applies the events one by one.
     */
    @Override
    public synchronized void applyBatch(List<DeliveredEvent<E>> events) {
        if (events.isEmpty()) {
            return;
        }
        DeliveredEvent<E> first = events.get(0);
        DeliveredEvent<E> last = events.get(events.size() - 1);
        String key = checkpoints.key(first.partition());
        long expected = first.expectedCheckpoint();
        try {
            Connection c = connection();
            if (!checkpoints.move(c, key, expected, first.sequence(), last.sequence())) {
                c.rollback();
                long stored = checkpoints.read(c, key);
                c.commit();
                if (stored >= last.sequence()) {
                    LOG.debug(
                            "projection '{}' skips sequences {}..{}: already applied",
                            name,
                            first.sequence(),
                            last.sequence());
                    return;
                }
                throw new CheckpointMoved(name, expected, stored);
            }
            handler.apply(c, events);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("apply sequences " + first.sequence() + ".." + last.sequence(), e);
        } catch (CheckpointMoved e) {
            throw e;
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw handlerFailure("apply sequences " + first.sequence() + ".." + last.sequence(), e);
        } catch (Error e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Applies a replayed dead letter in its own transaction, leaving the checkpoint where it is. */
    @Override
    public synchronized void applyOutOfOrder(DeliveredEvent<E> event) {
        try {
            Connection c = connection();
            handler.apply(c, List.of(event));
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("replay sequence " + event.sequence(), e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw handlerFailure("replay sequence " + event.sequence(), e);
        } catch (Error e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * Sets the checkpoints of every partition to 0, then clears the data (your reset), in one transaction. The
     * checkpoint rows are the fence: moving them first locks them, so a batch another instance is applying at that
     * moment (it holds the row since its conditional update) commits first and its rows are then cleared too, and a
     * batch that comes later waits for this transaction, then finds its expected checkpoint gone ({@link
     * CheckpointMoved}) and writes nothing – the runner there starts over from the reset checkpoint.
     */
    @Override
    public synchronized void reset() {
        try {
            Connection c = connection();
            checkpoints.resetAll(c);
            // every statement from here sees what the batches that held the fence committed
            reset.clear(c);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("reset", e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw handlerFailure("reset", e);
        }
    }

    /** Closes the JDBC connection this projection keeps; a later call opens a new one. */
    public synchronized void closeConnection() {
        discardConnection();
    }

    /**
     * Creates the checkpoint table if missing. Several instances starting at once race on it: PostgreSQL's {@code CREATE
     * TABLE IF NOT EXISTS} is not atomic against a concurrent one (a duplicate in its catalog, SQLState 23505 or
     * 42P07/42710), so a failure is accepted when the table is there afterwards.
     */
    private void initialize() {
        SQLException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                Connection c = connection();
                CheckpointTable.create(c);
                c.commit();
                addIdentityColumn();
                return;
            } catch (SQLException e) {
                rollbackQuietly();
                last = e;
                if (tableExists()) {
                    addIdentityColumn();
                    return;
                }
                LOG.debug("creating {} failed (attempt {}): {}", CHECKPOINT_TABLE, attempt, e.toString());
            }
        }
        throw failure("create the checkpoint table", last);
    }

    /** The column of the stream identity, added to checkpoint tables of earlier versions. */
    private void addIdentityColumn() {
        try {
            Connection c = connection();
            CheckpointTable.addIdentityColumn(c);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            LOG.debug("adding stream_identity to {}: {}", CHECKPOINT_TABLE, e.toString());
        }
    }

    /**
     * The identity of the stream the checkpoints were made from, as recorded in the projection's own row ({@code
     * stream_identity}); empty before the first record.
     */
    @Override
    public synchronized Optional<String> streamIdentity() {
        try {
            Connection c = connection();
            Optional<String> identity = checkpoints.streamIdentity(c);
            c.commit();
            return identity;
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("read the stream identity", e);
        }
    }

    @Override
    public synchronized void recordStreamIdentity(String identity) {
        try {
            Connection c = connection();
            checkpoints.recordStreamIdentity(c, identity);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("record the stream identity", e);
        }
    }

    private boolean tableExists() {
        try {
            Connection c = connection();
            CheckpointTable.probe(c);
            c.commit();
            return true;
        } catch (SQLException e) {
            rollbackQuietly();
            return false;
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

    /**
     * A failure of a JDBC call of this class: {@link ProjectionUnavailable} (retried, never dead-lettered) when a retry
     * may help – see {@link SqlFailures} – or when the connection turned out to be unusable; {@link ProjectionFailure}
     * otherwise.
     */
    private RuntimeException failure(String what, SQLException e) {
        String message = "projection '" + name + "' could not " + what + ": " + e.getMessage() + " (SQLState "
                + e.getSQLState() + ")";
        if (SqlFailures.isTransient(e) || !connectionUsable()) {
            discardConnection();
            return new ProjectionUnavailable(message, e);
        }
        return new ProjectionFailure(message, e);
    }

    /**
     * A runtime exception of the user's handler or reset: storage trouble when it wraps a transient {@link
     * SQLException} or the connection is no longer usable after it ({@link ProjectionUnavailable}); the handler's own
     * failure otherwise, thrown as it is (the event may become poison after the retries).
     */
    private RuntimeException handlerFailure(String what, RuntimeException e) {
        if (e instanceof ProjectionUnavailable) {
            return e;
        }
        if (SqlFailures.isTransient(e) || !connectionUsable()) {
            discardConnection();
            return new ProjectionUnavailable(
                    "projection '" + name + "' could not " + what + ": its database failed (" + e + ")", e);
        }
        return e;
    }

    /** Whether the kept connection still answers (after a failure and its rollback). */
    private boolean connectionUsable() {
        Connection c = connection;
        if (c == null) {
            return false; // the rollback failed and discarded it
        }
        try {
            return !c.isClosed() && c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
