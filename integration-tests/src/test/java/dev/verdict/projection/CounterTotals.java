package dev.verdict.projection;

import dev.verdict.decider.View;
import dev.verdict.projection.jdbc.JdbcViewStates;
import dev.verdict.store.EntityRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Counter totals as a pure view, materialized per counter in the table {@code counter_view}. */
final class CounterTotals {
    private CounterTotals() {}

    /** One counter's total and how many events made it. */
    record Total(long total, long events) {}

    static final View<Total, CounterEvent> VIEW = View.builder(new Total(0, 0), CounterEvent.class)
            .on(CounterEvent.Added.class, (t, added) -> new Total(t.total() + added.amount(), t.events() + 1))
            .on(CounterEvent.Reset.class, (t, reset) -> new Total(0, t.events() + 1))
            .build();

    static final JdbcViewStates<Total> STATES = new JdbcViewStates<>() {
        @Override
        public Optional<Total> load(Connection c, EntityRef counter) throws SQLException {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT total, events FROM counter_view WHERE counter = ?")) {
                ps.setString(1, counter.id().value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Total(rs.getLong(1), rs.getLong(2))) : Optional.empty();
                }
            }
        }

        @Override
        public void save(Connection c, EntityRef counter, Total state, long sequence) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO counter_view (counter, total, events, last_sequence) KEY (counter) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, counter.id().value());
                ps.setLong(2, state.total());
                ps.setLong(3, state.events());
                ps.setLong(4, sequence);
                ps.executeUpdate();
            }
        }

        @Override
        public void clear(Connection c) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM counter_view");
            }
        }
    };

    /** Creates the table (DDL commits on H2: never inside the projection's transaction). */
    static void create(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE IF NOT EXISTS counter_view (counter VARCHAR(64) PRIMARY KEY,"
                    + " total BIGINT NOT NULL, events BIGINT NOT NULL, last_sequence BIGINT NOT NULL)");
        }
    }

    /** The rows as {@link CounterReadModel#snapshot} writes them (without its log line). */
    static List<String> snapshot(DataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT counter, total, events, last_sequence FROM counter_view ORDER BY counter")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " total=" + rs.getLong(2) + " events=" + rs.getLong(3) + " last="
                        + rs.getLong(4));
            }
        }
        return rows;
    }
}
