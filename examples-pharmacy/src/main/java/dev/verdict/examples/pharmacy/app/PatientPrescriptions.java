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
 *
 * <p>On a store sharded over N streams ({@code STORE_SHARDS}), each shard has its projection ({@code
 * patient-prescriptions-<k>}) and its table ({@link PatientPrescriptionsTable#ofShard}); the queries read all tables.
 */
final class PatientPrescriptions {
    static final String NAME = "patient-prescriptions";

    private final JdbcDatabase database;
    private final List<PatientPrescriptionsTable> tables;

    /** The read model of an unsharded store: the one table {@code patient_prescriptions}. */
    PatientPrescriptions(JdbcDatabase database) throws SQLException {
        this(database, 1);
    }

    /** The read model of a store with {@code shards} shards (1: unsharded). */
    PatientPrescriptions(JdbcDatabase database, int shards) throws SQLException {
        this.database = database;
        this.tables = PatientPrescriptionsTable.of(shards);
        try (Connection c = database.getConnection()) {
            create(c);
        } catch (SQLException e) {
            // several instances starting at once race on CREATE ... IF NOT EXISTS (not atomic on PostgreSQL): fine
            // when the other instance's table is there now
            try (Connection c = database.getConnection()) {
                create(c);
            }
        }
    }

    private void create(Connection c) throws SQLException {
        for (PatientPrescriptionsTable table : tables) {
            table.create(c);
        }
    }

    /**
     * The projection that keeps the table of shard {@code shard} (0 when unsharded) up to date – the pure {@link
     * PatientPrescriptionsView} materialized per prescription in {@link PatientPrescriptionsTable}; run it with a
     * durable {@code ProjectionRunner} on that shard's prescription events. Named {@value #NAME} when unsharded,
     * {@code patient-prescriptions-<shard>} when sharded.
     */
    JdbcProjection<PrescriptionEvent> projection(int shard) {
        String name = tables.size() == 1 ? NAME : NAME + "-" + shard;
        return JdbcMaterializedView.of(
                name, database, PatientPrescriptionsView.VIEW, tables.get(shard).states());
    }

    /** The patient's prescriptions, ordered by id; empty when the patient has none (yet). */
    List<PrescriptionResource> ofPatient(String patientId) {
        try (Connection c = database.getConnection()) {
            return PatientPrescriptionsTable.ofPatient(c, tables, patientId);
        } catch (SQLException e) {
            throw new ReadModelUnavailable("cannot read the prescriptions of " + patientId + ": " + e.getMessage(), e);
        }
    }

    /** The patients with at least one prescription and how many they have, ordered by id, at most {@code limit}. */
    List<PatientResource> patients(int limit) {
        try (Connection c = database.getConnection()) {
            return PatientPrescriptionsTable.patients(c, tables, limit);
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
