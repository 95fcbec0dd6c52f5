package dev.verdict.projection.jdbc;

import static dev.verdict.projection.jdbc.JdbcProjection.CHECKPOINT_TABLE;

import dev.verdict.projection.Partition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements of one {@link JdbcProjection} on its checkpoint table ({@value JdbcProjection#CHECKPOINT_TABLE}): the
 * table's creation, the rows of the projection (one, or one per partition keyed {@code <name>#<i>of<n>}), the
 * conditional move that fences a batch, the reset to 0 and the recorded stream identity. Each runs on the caller's
 * connection inside the caller's transaction: the caller commits or rolls back – except {@link #insertRow}, which
 * commits around its insert so that a row inserted concurrently by another instance is accepted.
 */
final class CheckpointTable {
    private final String name;

    /** The rows of the projection named {@code name}. */
    CheckpointTable(String name) {
        this.name = name;
    }

    /** Creates the table if missing. */
    static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE IF NOT EXISTS " + CHECKPOINT_TABLE
                    + " (projection VARCHAR(128) PRIMARY KEY, last_sequence BIGINT NOT NULL,"
                    + " updated_at TIMESTAMP NOT NULL)");
        }
    }

    /** Adds the column of the stream identity, missing in checkpoint tables of earlier versions. */
    static void addIdentityColumn(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate(
                    "ALTER TABLE " + CHECKPOINT_TABLE + " ADD COLUMN IF NOT EXISTS stream_identity VARCHAR(64)");
        }
    }

    /** Reads from the table: throws when it is not there. */
    static void probe(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM " + CHECKPOINT_TABLE).close();
        }
    }

    /** The checkpoint row of a partition: the projection's name, with {@code #<i>of<n>} when partitioned. */
    String key(Partition partition) {
        return partition.isWhole() ? name : name + "#" + partition.suffix();
    }

    /** The stored checkpoint, or -1 when the row is missing. */
    long read(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT last_sequence FROM " + CHECKPOINT_TABLE + " WHERE projection = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Inserts the row at 0 in a transaction of its own; a row inserted concurrently (SQLState 23*) is fine. */
    void insertRow(Connection c, String key) throws SQLException {
        c.commit();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + CHECKPOINT_TABLE + " (projection, last_sequence, updated_at) VALUES (?, 0, ?)")) {
            ps.setString(1, key);
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

    /**
     * Moves the row's checkpoint to {@code to} if it is still {@code expected} – or, when {@code expected} is unknown
     * (negative), if it is below {@code first}. The update locks the row until the transaction ends.
     *
     * @return whether the row moved
     */
    boolean move(Connection c, String key, long expected, long first, long to) throws SQLException {
        String sql = "UPDATE " + CHECKPOINT_TABLE + " SET last_sequence = ?, updated_at = ? WHERE projection = ?"
                + (expected >= 0 ? " AND last_sequence = ?" : " AND last_sequence < ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, to);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, key);
            ps.setLong(4, expected >= 0 ? expected : first);
            return ps.executeUpdate() != 0;
        }
    }

    /** Sets the checkpoint of every row of the projection (whole and partitions) to 0, locking them. */
    void resetAll(Connection c) throws SQLException {
        for (String key : keys(c)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + CHECKPOINT_TABLE + " SET last_sequence = 0, updated_at = ? WHERE projection = ?")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setString(2, key);
                ps.executeUpdate();
            }
        }
    }

    /** Refuses to mix checkpoints of different partition counts: their events were split differently. */
    void checkPartitionCount(Connection c, Partition partition) throws SQLException {
        for (String key : keys(c)) {
            boolean sameCount = partition.isWhole()
                    ? key.equals(name)
                    : key.endsWith("of" + partition.count()) && key.startsWith(name + "#");
            if (!sameCount && read(c, key) > 0) {
                throw new IllegalArgumentException("projection '" + name + "' has a checkpoint under '" + key
                        + "', made with another partition count than " + partition.count()
                        + ": rebuild it to change the count");
            }
        }
    }

    /** The stream identity recorded in the projection's own row; empty before the first record. */
    Optional<String> streamIdentity(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT stream_identity FROM " + CHECKPOINT_TABLE + " WHERE projection = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Records the stream identity in the projection's own row, inserting the row (at 0) when missing. */
    void recordStreamIdentity(Connection c, String identity) throws SQLException {
        if (read(c, name) < 0) {
            insertRow(c, name);
        }
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE " + CHECKPOINT_TABLE + " SET stream_identity = ? WHERE projection = ?")) {
            ps.setString(1, identity);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    /** This projection's checkpoint rows: the whole one and those of partitions. */
    private List<String> keys(Connection c) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT projection FROM " + CHECKPOINT_TABLE)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    if (key.equals(name) || key.startsWith(name + "#")) {
                        keys.add(key);
                    }
                }
            }
        }
        return keys;
    }
}
