package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.app.PatientPrescriptionsView.Row;
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
import java.util.stream.Collectors;

/**
 * The read model "prescriptions per patient": one row per prescription, in the same shape as {@link
 * PrescriptionResource}, holding the state of {@link PatientPrescriptionsView} ({@link #states()}). Plain SQL that runs on
 * H2 and PostgreSQL alike; the columns are those of earlier releases, so a running deployment keeps its table.
 *
 * <p>{@link #states()} reads and writes rows only; the projection that calls it ({@code JdbcMaterializedView}) runs each
 * batch's changes and its checkpoint in one transaction, so an event redelivered after a crash is never applied
 * twice.
 *
 * <p>An unsharded store has the one table {@link #UNSHARDED} ({@code patient_prescriptions}); a store sharded over N
 * streams ({@code STORE_SHARDS}) has one table per shard, {@code patient_prescriptions_<k>}, kept by that shard's
 * projection – so rebuilding one shard clears only its own rows – and read together by {@link #ofPatient} and {@link
 * #patients} (a prescription's events are all on one shard, so its row is in exactly one table).
 */
final class PatientPrescriptionsTable {
    static final String TABLE = "patient_prescriptions";

    /** The table of an unsharded store, as in earlier releases. */
    static final PatientPrescriptionsTable UNSHARDED = new PatientPrescriptionsTable(TABLE);

    private final String table;
    private final JdbcViewStates<Optional<Row>> states;

    private PatientPrescriptionsTable(String table) {
        this.table = table;
        this.states = new States();
    }

    /** The table of shard {@code shard}: {@code patient_prescriptions_<shard>}. */
    static PatientPrescriptionsTable ofShard(int shard) {
        if (shard < 0) {
            throw new IllegalArgumentException("a shard is 0 or more, was " + shard);
        }
        return new PatientPrescriptionsTable(TABLE + "_" + shard);
    }

    /** The tables of a store with {@code shards} shards: {@link #UNSHARDED} for 1, else one per shard. */
    static List<PatientPrescriptionsTable> of(int shards) {
        if (shards == 1) {
            return List.of(UNSHARDED);
        }
        List<PatientPrescriptionsTable> tables = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            tables.add(ofShard(k));
        }
        return List.copyOf(tables);
    }

    /** The table's name. */
    String name() {
        return table;
    }

    /** Creates the table and its index if they are missing. */
    void create(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "prescription_id VARCHAR(128) PRIMARY KEY, "
                    + "patient_id VARCHAR(128) NOT NULL, "
                    + "drug VARCHAR(128) NOT NULL, "
                    + "status VARCHAR(16) NOT NULL, "
                    + "quantity INT NOT NULL, "
                    + "dispensed INT NOT NULL, "
                    + "refills_left INT NOT NULL, "
                    + "version BIGINT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS " + table + "_by_patient ON " + table + " (patient_id)");
        }
    }

    /** Removes every row, before a rebuild. */
    void clear(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM " + table);
        }
    }

    /**
     * Applies one event, stored at stream sequence {@code sequence}, to its prescription's row, as the projection does:
     * the row's state evolved by {@link PatientPrescriptionsView#VIEW} (a clean replay in tests uses this).
     */
    void apply(Connection connection, PrescriptionEvent event, long sequence) throws SQLException {
        EntityRef prescription = EntityRef.of(PrescriptionDecider.TYPE.key(event.prescriptionId()));
        Optional<Row> row =
                states.load(connection, prescription).orElseGet(PatientPrescriptionsView.VIEW::initialState);
        states.save(connection, prescription, PatientPrescriptionsView.VIEW.evolve(row, event), sequence);
    }

    /** The prescriptions' states in the table's columns; {@code version} is the sequence of the row's last event. */
    JdbcViewStates<Optional<Row>> states() {
        return states;
    }

    private final class States implements JdbcViewStates<Optional<Row>> {
        @Override
        public Optional<Optional<Row>> load(Connection connection, EntityRef prescription) throws SQLException {
            try (PreparedStatement s = connection.prepareStatement(
                    "SELECT prescription_id, patient_id, drug, status, quantity, dispensed, refills_left FROM " + table
                            + " WHERE prescription_id = ?")) {
                s.setString(1, prescription.id().value());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(Optional.of(new Row(
                            r.getString("prescription_id"),
                            r.getString("patient_id"),
                            r.getString("drug"),
                            r.getString("status"),
                            r.getInt("quantity"),
                            r.getInt("dispensed"),
                            r.getInt("refills_left"))));
                }
            }
        }

        @Override
        public void save(Connection connection, EntityRef prescription, Optional<Row> state, long sequence)
                throws SQLException {
            if (state.isEmpty()) {
                return; // not ordered (yet): no row, as before
            }
            Row row = state.get();
            try (PreparedStatement s = connection.prepareStatement("UPDATE " + table
                    + " SET patient_id = ?, drug = ?, status = ?, quantity = ?, dispensed = ?, refills_left = ?,"
                    + " version = ? WHERE prescription_id = ?")) {
                bind(s, row, sequence);
                if (s.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + table
                    + " (patient_id, drug, status, quantity, dispensed, refills_left, version, prescription_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(s, row, sequence);
                s.executeUpdate();
            }
        }

        @Override
        public void clear(Connection connection) throws SQLException {
            PatientPrescriptionsTable.this.clear(connection);
        }
    }

    private static void bind(PreparedStatement s, Row row, long sequence) throws SQLException {
        s.setString(1, row.patientId());
        s.setString(2, row.drug());
        s.setString(3, row.status());
        s.setInt(4, row.quantity());
        s.setInt(5, row.dispensed());
        s.setInt(6, row.refillsLeft());
        s.setLong(7, sequence);
        s.setString(8, row.prescriptionId());
    }

    /** The prescriptions of one patient in any of the tables, ordered by id. */
    static List<PrescriptionResource> ofPatient(
            Connection connection, List<PatientPrescriptionsTable> tables, String patientId) throws SQLException {
        List<PrescriptionResource> rows = new ArrayList<>();
        String select = tables.stream()
                .map(t -> "SELECT prescription_id, patient_id, drug, status, quantity, dispensed, refills_left, version"
                        + " FROM " + t.table + " WHERE patient_id = ?")
                .collect(Collectors.joining(" UNION ALL "));
        try (PreparedStatement s = connection.prepareStatement(select + " ORDER BY prescription_id")) {
            for (int i = 1; i <= tables.size(); i++) {
                s.setString(i, patientId);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int quantity = r.getInt("quantity");
                    int dispensed = r.getInt("dispensed");
                    rows.add(new PrescriptionResource(
                            r.getString("prescription_id"),
                            r.getString("patient_id"),
                            r.getString("drug"),
                            r.getString("status"),
                            quantity,
                            dispensed,
                            quantity - dispensed,
                            r.getInt("refills_left"),
                            r.getLong("version")));
                }
            }
        }
        return rows;
    }

    /** The patients with their number of prescriptions in all the tables, ordered by id, at most {@code limit}. */
    static List<PatientResource> patients(Connection connection, List<PatientPrescriptionsTable> tables, int limit)
            throws SQLException {
        List<PatientResource> rows = new ArrayList<>();
        String from = tables.size() == 1
                ? tables.get(0).table
                : tables.stream()
                        .map(t -> "SELECT patient_id FROM " + t.table)
                        .collect(Collectors.joining(" UNION ALL ", "(", ") AS all_shards"));
        try (PreparedStatement s = connection.prepareStatement("SELECT patient_id, COUNT(*) AS prescriptions FROM "
                + from + " GROUP BY patient_id ORDER BY patient_id LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new PatientResource(r.getString("patient_id"), r.getInt("prescriptions")));
                }
            }
        }
        return rows;
    }
}
