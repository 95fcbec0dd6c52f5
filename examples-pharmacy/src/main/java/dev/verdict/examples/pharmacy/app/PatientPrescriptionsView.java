package dev.verdict.examples.pharmacy.app;

import dev.verdict.decider.View;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionExpired;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.examples.pharmacy.PrescriptionStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * The read model "prescriptions per patient" as a pure {@link View}: one prescription's row, from its events. No SQL
 * here – {@link PatientPrescriptionsTable} stores each prescription's state – so the view is specified without a
 * database ({@code PatientPrescriptionsViewSpec}). Empty until the prescription is ordered.
 */
final class PatientPrescriptionsView {
    private PatientPrescriptionsView() {}

    /**
     * One prescription as the read model shows it.
     *
     * @param status the {@link PrescriptionStatus#label() label} of its status
     * @param dispensed units handed out of the current fill
     */
    record Row(
            String prescriptionId,
            String patientId,
            String drug,
            String status,
            int quantity,
            int dispensed,
            int refillsLeft) {
        Row {
            Objects.requireNonNull(prescriptionId, "prescriptionId");
            Objects.requireNonNull(patientId, "patientId");
            Objects.requireNonNull(drug, "drug");
            Objects.requireNonNull(status, "status");
        }

        Row withStatus(PrescriptionStatus next) {
            return new Row(prescriptionId, patientId, drug, next.label(), quantity, dispensed, refillsLeft);
        }
    }

    /** The view; every prescription event is handled (a new one fails the build until it is). */
    static final View<Optional<Row>, PrescriptionEvent> VIEW = View.builder(
                    Optional.<Row>empty(), PrescriptionEvent.class)
            .on(
                    PrescriptionOrdered.class,
                    (none, o) -> Optional.of(new Row(
                            o.prescriptionId(),
                            o.patientId(),
                            o.drug(),
                            PrescriptionStatus.ORDERED.label(),
                            o.quantity(),
                            0,
                            o.refills())))
            .on(PrescriptionVerified.class, (row, v) -> row.map(r -> r.withStatus(PrescriptionStatus.VERIFIED)))
            .on(
                    DrugDispensed.class,
                    (row, d) -> row.map(r -> new Row(
                            r.prescriptionId(),
                            r.patientId(),
                            r.drug(),
                            (d.remaining() > 0 ? PrescriptionStatus.DISPENSING : PrescriptionStatus.FILLED).label(),
                            r.quantity(),
                            r.quantity() - d.remaining(),
                            r.refillsLeft())))
            .on(
                    PrescriptionRefilled.class,
                    (row, f) -> row.map(r -> new Row(
                            r.prescriptionId(),
                            r.patientId(),
                            r.drug(),
                            PrescriptionStatus.VERIFIED.label(),
                            r.quantity(),
                            0,
                            f.refillsLeft())))
            .on(PrescriptionCancelled.class, (row, c) -> row.map(r -> r.withStatus(PrescriptionStatus.CANCELLED)))
            .on(PrescriptionCompleted.class, (row, c) -> row.map(r -> r.withStatus(PrescriptionStatus.COMPLETED)))
            .on(PrescriptionExpired.class, (row, c) -> row.map(r -> r.withStatus(PrescriptionStatus.EXPIRED)))
            .build();
}
