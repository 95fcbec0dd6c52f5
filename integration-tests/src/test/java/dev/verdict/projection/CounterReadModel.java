package dev.verdict.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** A relational read model of counters: totals per counter, and a log row per applied event to expose doubles. */
final class CounterReadModel {
    private CounterReadModel() {}

    static void createTables(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE counter_totals (counter VARCHAR(64) PRIMARY KEY, total BIGINT NOT NULL,"
                    + " events BIGINT NOT NULL, last_sequence BIGINT NOT NULL)");
            st.executeUpdate("CREATE TABLE counter_log (sequence BIGINT NOT NULL, counter VARCHAR(64) NOT NULL)");
        }
    }

    static void write(Connection c, DeliveredEvent<CounterEvent> delivered) throws SQLException {
        CounterEvent event = delivered.event();
        long delta = event instanceof CounterEvent.Added a ? a.amount() : 0;
        boolean reset = event instanceof CounterEvent.Reset;
        try (PreparedStatement ps = c.prepareStatement("UPDATE counter_totals SET total = "
                + (reset ? "0" : "total + ?") + ", events = events + 1, last_sequence = ? WHERE counter = ?")) {
            int i = 1;
            if (!reset) {
                ps.setLong(i++, delta);
            }
            ps.setLong(i++, delivered.sequence());
            ps.setString(i, event.counter());
            if (ps.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO counter_totals (counter, total, events, last_sequence) VALUES (?, ?, 1, ?)")) {
                    insert.setString(1, event.counter());
                    insert.setLong(2, delta);
                    insert.setLong(3, delivered.sequence());
                    insert.executeUpdate();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO counter_log (sequence, counter) VALUES (?, ?)")) {
            ps.setLong(1, delivered.sequence());
            ps.setString(2, event.counter());
            ps.executeUpdate();
        }
    }

    static void clear(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM counter_totals");
            st.executeUpdate("DELETE FROM counter_log");
        }
    }

    /** The whole read model as comparable rows, plus log counts. */
    static List<String> snapshot(DataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT counter, total, events, last_sequence FROM counter_totals ORDER BY counter")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " total=" + rs.getLong(2) + " events=" + rs.getLong(3) + " last="
                            + rs.getLong(4));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT sequence) FROM counter_log")) {
                rs.next();
                rows.add("log rows=" + rs.getLong(1) + " distinct=" + rs.getLong(2));
            }
        }
        return rows;
    }

    /** What the read model must hold after exactly the given events, computed without any database. */
    static List<String> expected(List<CounterEvent> events, List<Long> sequences) {
        Map<String, long[]> totals = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            CounterEvent e = events.get(i);
            long[] t = totals.computeIfAbsent(e.counter(), k -> new long[3]);
            t[0] = e instanceof CounterEvent.Added a ? t[0] + a.amount() : 0;
            t[1]++;
            t[2] = sequences.get(i);
        }
        List<String> rows = new ArrayList<>();
        totals.forEach((k, t) -> rows.add(k + " total=" + t[0] + " events=" + t[1] + " last=" + t[2]));
        rows.add("log rows=" + events.size() + " distinct=" + events.size());
        return rows;
    }
}
