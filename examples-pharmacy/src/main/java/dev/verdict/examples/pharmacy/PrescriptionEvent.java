package dev.verdict.examples.pharmacy;

import java.time.Instant;

/**
 * What happened to a prescription. Events carry the prescription id and, where a reaction needs them, the drug and
 * quantities, so the {@link PharmacyProcess} and the read model need nothing but the event itself.
 */
public sealed interface PrescriptionEvent {

    /** The prescription this event belongs to. */
    String prescriptionId();

    /** When it happened, as the command stated. */
    Instant occurredAt();

    record PrescriptionOrdered(
            String prescriptionId,
            String patientId,
            String drug,
            int quantity,
            String unit,
            int refills,
            String prescriberId,
            Instant occurredAt)
            implements PrescriptionEvent {}

    /** Verified by a pharmacist; the first fill of {@code quantity} units of {@code drug} may now be dispensed. */
    record PrescriptionVerified(
            String prescriptionId, String pharmacistId, String drug, int quantity, Instant occurredAt)
            implements PrescriptionEvent {}

    /**
     * {@code quantity} units handed out in fill number {@code fill} (1 for the first fill), leaving {@code
     * remaining} in that fill.
     */
    record DrugDispensed(String prescriptionId, String drug, int fill, int quantity, int remaining, Instant occurredAt)
            implements PrescriptionEvent {}

    /** Fill number {@code fill} started: another {@code quantity} units may be dispensed. */
    record PrescriptionRefilled(
            String prescriptionId, String drug, int fill, int quantity, int refillsLeft, Instant occurredAt)
            implements PrescriptionEvent {}

    /**
     * Cancelled for good. {@code undispensed} units of the current, verified fill were never handed out (0 when the
     * prescription was not verified yet).
     */
    record PrescriptionCancelled(String prescriptionId, String drug, String reason, int undispensed, Instant occurredAt)
            implements PrescriptionEvent {}

    /** The last fill is complete and no refills remain: nothing more can happen to this prescription. */
    record PrescriptionCompleted(String prescriptionId, int fills, Instant occurredAt) implements PrescriptionEvent {}
}
