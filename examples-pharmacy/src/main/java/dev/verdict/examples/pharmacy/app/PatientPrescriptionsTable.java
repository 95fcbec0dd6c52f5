package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionExpired;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.examples.pharmacy.PrescriptionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The read model "prescriptions per patient": one row per prescription, in the same shape as {@link
 * PrescriptionResource}. Plain SQL that runs on H2 and PostgreSQL alike.
 *
 * <p>{@link #apply} changes rows only; the projection that calls it runs each event's change and its checkpoint in
 * one transaction, so an event redelivered after a crash is never applied twice.
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

    /** Applies one event, stored at stream sequence {@code sequence}, to its prescription's row. */
    static void apply(Connection connection, PrescriptionEvent event, long sequence) throws SQLException {
        if (event instanceof PrescriptionOrdered o) {
            try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (prescription_id, patient_id, drug, status, quantity, dispensed, refills_left, version)"
                    + " VALUES (?, ?, ?, ?, ?, 0, ?, ?)")) {
                s.setString(1, o.prescriptionId());
                s.setString(2, o.patientId());
                s.setString(3, o.drug());
                s.setString(4, PrescriptionStatus.ORDERED.label());
                s.setInt(5, o.quantity());
                s.setInt(6, o.refills());
                s.setLong(7, sequence);
                s.executeUpdate();
            }
        } else if (event instanceof PrescriptionVerified) {
            update(connection, event, sequence, "status = ?", PrescriptionStatus.VERIFIED.label());
        } else if (event instanceof DrugDispensed d) {
            PrescriptionStatus status = d.remaining() > 0 ? PrescriptionStatus.DISPENSING : PrescriptionStatus.FILLED;
            update(connection, event, sequence, "status = ?, dispensed = quantity - ?", status.label(), d.remaining());
        } else if (event instanceof PrescriptionRefilled r) {
            update(
                    connection,
                    event,
                    sequence,
                    "status = ?, dispensed = 0, refills_left = ?",
                    PrescriptionStatus.VERIFIED.label(),
                    r.refillsLeft());
        } else if (event instanceof PrescriptionCancelled) {
            update(connection, event, sequence, "status = ?", PrescriptionStatus.CANCELLED.label());
        } else if (event instanceof PrescriptionCompleted) {
            update(connection, event, sequence, "status = ?", PrescriptionStatus.COMPLETED.label());
        } else if (event instanceof PrescriptionExpired) {
            update(connection, event, sequence, "status = ?", PrescriptionStatus.EXPIRED.label());
        }
    }

    private static void update(
            Connection connection, PrescriptionEvent event, long sequence, String assignments, Object... values)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "UPDATE " + TABLE + " SET " + assignments + ", version = ? WHERE prescription_id = ?")) {
            int i = 1;
            for (Object value : values) {
                s.setObject(i++, value);
            }
            s.setLong(i++, sequence);
            s.setString(i, event.prescriptionId());
            s.executeUpdate();
        }
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
