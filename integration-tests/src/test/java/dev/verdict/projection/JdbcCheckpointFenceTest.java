package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcProjection}'s own fence, without a runner in front of it (the runner's position check would hide a
 * missing fence): a batch moves the checkpoint only from the one it expects, and writes nothing otherwise.
 */
class JdbcCheckpointFenceTest {
    private static final EntityRef COUNTER = EntityRef.of("counter", "c-1");

    private DataSource db;
    private JdbcProjection<String> projection;

    @BeforeEach
    void newDatabase() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:fence" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        db = ds;
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE applied (n INT NOT NULL)");
            st.executeUpdate("INSERT INTO applied VALUES (0)");
        }
        projection = JdbcProjection.of(
                "fence",
                db,
                (connection, delivered) -> {
                    try (Statement st = connection.createStatement()) {
                        st.executeUpdate("UPDATE applied SET n = n + 1");
                    }
                },
                connection -> {
                    try (Statement st = connection.createStatement()) {
                        st.executeUpdate("UPDATE applied SET n = 0");
                    }
                });
        assertThat(projection.checkpoint()).hasValue(0); // as a runner does first: creates the row
    }

    @Test
    void anEventWhoseExpectedCheckpointIsNotTheStoredOneIsRefusedAndWritesNothing() throws SQLException {
        projection.apply(event(1, 0));

        assertThatThrownBy(() -> projection.apply(event(3, 2))).isInstanceOfSatisfying(CheckpointMoved.class, moved -> {
            assertThat(moved.expected()).isEqualTo(2);
            assertThat(moved.actual()).isEqualTo(1);
        });
        assertThat(applied()).isEqualTo(1);
        assertThat(projection.checkpoint()).hasValue(1);
    }

    @Test
    void anEventAtOrBelowTheStoredCheckpointIsSkippedAsApplied() throws SQLException {
        projection.apply(event(1, 0));
        projection.apply(event(2, 1));

        projection.apply(event(2, 1)); // redelivered with the expectation it had
        projection.apply(event(1, -1)); // redelivered, expectation unknown

        assertThat(applied()).isEqualTo(2);
        assertThat(projection.checkpoint()).hasValue(2);
    }

    private int applied() throws SQLException {
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT n FROM applied")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static DeliveredEvent<String> event(long sequence, long expectedCheckpoint) {
        Instant now = Instant.now();
        RecordedEvent recorded = new RecordedEvent(
                COUNTER,
                sequence,
                now,
                "event-" + sequence,
                now,
                new EncodedEvent("Incremented", 1, "{}".getBytes(StandardCharsets.UTF_8)),
                "command-" + sequence,
                "command-" + sequence,
                Optional.empty(),
                Map.of());
        return new DeliveredEvent<>("incremented", recorded, Partition.WHOLE, expectedCheckpoint);
    }
}
