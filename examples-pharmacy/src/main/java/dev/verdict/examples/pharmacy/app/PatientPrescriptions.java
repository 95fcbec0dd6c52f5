package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.projection.jdbc.JdbcMaterializedView;
import dev.verdict.projection.jdbc.JdbcProjection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The read model "prescriptions per patient" ({@code GET /patients/{id}/prescriptions}): the pure view {@link
 * PatientPrescriptionsView} materialized per prescription ({@link JdbcMaterializedView}) in {@link
 * PatientPrescriptionsTable}, and the query that reads it.
 *
 * <p>Eventually consistent: a query sees every event the projection has applied, usually a few milliseconds after
 * the command was accepted. Exactly-once effect: each event's row change and the projection's checkpoint commit in
 * one transaction.
 */
final class PatientPrescriptions {
    static final String NAME = "patient-prescriptions";

    private final JdbcDatabase database;

    PatientPrescriptions(JdbcDatabase database) throws SQLException {
        this.database = database;
        try (Connection c = database.getConnection()) {
            PatientPrescriptionsTable.create(c);
        } catch (SQLException e) {
            // several instances starting at once race on CREATE ... IF NOT EXISTS (not atomic on PostgreSQL): fine
            // when the other instance's table is there now
            try (Connection c = database.getConnection()) {
                PatientPrescriptionsTable.create(c);
            }
        }
    }

    /**
     * The projection that keeps the table up to date – the pure {@link PatientPrescriptionsView} materialized per
     * prescription in {@link PatientPrescriptionsTable}; run it with a durable {@code ProjectionRunner}.
     */
    JdbcProjection<PrescriptionEvent> projection() {
        return JdbcMaterializedView.of(NAME, database, PatientPrescriptionsView.VIEW, PatientPrescriptionsTable.STATES);
    }

    /** The patient's prescriptions, ordered by id; empty when the patient has none (yet). */
    List<PrescriptionResource> ofPatient(String patientId) {
        try (Connection c = database.getConnection()) {
            return PatientPrescriptionsTable.ofPatient(c, patientId);
        } catch (SQLException e) {
            throw new ReadModelUnavailable("cannot read the prescriptions of " + patientId + ": " + e.getMessage(), e);
        }
    }

    /** The patients with at least one prescription and how many they have, ordered by id, at most {@code limit}. */
    List<PatientResource> patients(int limit) {
        try (Connection c = database.getConnection()) {
            return PatientPrescriptionsTable.patients(c, limit);
        } catch (SQLException e) {
            throw new ReadModelUnavailable("cannot read the patients: " + e.getMessage(), e);
        }
    }

    /** The read model's database could not answer. The API answers 503. */
    static final class ReadModelUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReadModelUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
