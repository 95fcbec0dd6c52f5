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

/**
 * The read model "prescriptions per patient": one row per prescription, in the same shape as {@link
 * PrescriptionResource}, holding the state of {@link PatientPrescriptionsView} ({@link #STATES}). Plain SQL that runs on
 * H2 and PostgreSQL alike; the columns are those of earlier releases, so a running deployment keeps its table.
 *
 * <p>{@link #STATES} reads and writes rows only; the projection that calls it ({@code JdbcMaterializedView}) runs each
 * batch's changes and its checkpoint in one transaction, so an event redelivered after a crash is never applied
 * twice.
 */
final class PatientPrescriptionsTable {
    static final String TABLE = "patient_prescriptions";

    private PatientPrescriptionsTable() {}

    /** Creates the table and its index if they are missing. */
    static void create(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "prescription_id VARCHAR(128) PRIMARY KEY, "
                    + "patient_id VARCHAR(128) NOT NULL, "
                    + "drug VARCHAR(128) NOT NULL, "
                    + "status VARCHAR(16) NOT NULL, "
                    + "quantity INT NOT NULL, "
                    + "dispensed INT NOT NULL, "
                    + "refills_left INT NOT NULL, "
                    + "version BIGINT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_by_patient ON " + TABLE + " (patient_id)");
        }
    }

    /** Removes every row, before a rebuild. */
    static void clear(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM " + TABLE);
        }
    }

    /**
     * Applies one event, stored at stream sequence {@code sequence}, to its prescription's row, as the projection does:
     * the row's state evolved by {@link PatientPrescriptionsView#VIEW} (a clean replay in tests uses this).
     */
    static void apply(Connection connection, PrescriptionEvent event, long sequence) throws SQLException {
        EntityRef prescription = EntityRef.of(PrescriptionDecider.TYPE.key(event.prescriptionId()));
        Optional<Row> row =
                STATES.load(connection, prescription).orElseGet(PatientPrescriptionsView.VIEW::initialState);
        STATES.save(connection, prescription, PatientPrescriptionsView.VIEW.evolve(row, event), sequence);
    }

    /** The prescriptions' states in the table's columns; {@code version} is the sequence of the row's last event. */
    static final JdbcViewStates<Optional<Row>> STATES = new JdbcViewStates<>() {
        @Override
        public Optional<Optional<Row>> load(Connection connection, EntityRef prescription) throws SQLException {
            try (PreparedStatement s = connection.prepareStatement(
                    "SELECT prescription_id, patient_id, drug, status, quantity, dispensed, refills_left FROM " + TABLE
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
            try (PreparedStatement s = connection.prepareStatement("UPDATE " + TABLE
                    + " SET patient_id = ?, drug = ?, status = ?, quantity = ?, dispensed = ?, refills_left = ?,"
                    + " version = ? WHERE prescription_id = ?")) {
                bind(s, row, sequence);
                if (s.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (patient_id, drug, status, quantity, dispensed, refills_left, version, prescription_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(s, row, sequence);
                s.executeUpdate();
            }
        }

        @Override
        public void clear(Connection connection) throws SQLException {
            PatientPrescriptionsTable.clear(connection);
        }
    };

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

    /** The prescriptions of one patient, ordered by id. */
    static List<PrescriptionResource> ofPatient(Connection connection, String patientId) throws SQLException {
        List<PrescriptionResource> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT prescription_id, patient_id, drug, status, quantity, dispensed, refills_left, version FROM "
                        + TABLE + " WHERE patient_id = ? ORDER BY prescription_id")) {
            s.setString(1, patientId);
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

    /** The patients with their number of prescriptions, ordered by id, at most {@code limit}. */
    static List<PatientResource> patients(Connection connection, int limit) throws SQLException {
        List<PatientResource> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT patient_id, COUNT(*) AS prescriptions FROM "
                + TABLE + " GROUP BY patient_id ORDER BY patient_id LIMIT ?")) {
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
