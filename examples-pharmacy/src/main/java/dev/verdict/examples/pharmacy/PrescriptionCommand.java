package dev.verdict.examples.pharmacy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a prescriber or pharmacist asks of one prescription. Every command carries the moment it was issued, so the
 * {@link PrescriptionDecider} never reads a clock.
 *
 * <pre>{@code
 * PrescriptionCommand order = new PrescriptionCommand.OrderPrescription(
 *         "rx-42", "patient-7", "amoxicillin-500mg", 30, "tablet", 2, "dr-house", Instant.parse("2026-01-05T09:00:00Z"));
 * }</pre>
 */
public sealed interface PrescriptionCommand {

    /** When the command was issued. */
    Instant issuedAt();

    /**
     * A prescriber orders a drug for a patient: {@code quantity} units per fill, {@code refills} more fills after the
     * first; with an {@code expiresAt}, nothing can be dispensed or refilled from that instant on.
     */
    record OrderPrescription(
            String prescriptionId,
            String patientId,
            String drug,
            int quantity,
            String unit,
            int refills,
            String prescriberId,
            Instant issuedAt,
            Optional<Instant> expiresAt)
            implements PrescriptionCommand {
        public OrderPrescription {
            Objects.requireNonNull(expiresAt, "expiresAt (use Optional.empty())");
        }

        /** An order that never expires. */
        public OrderPrescription(
                String prescriptionId,
                String patientId,
                String drug,
                int quantity,
                String unit,
                int refills,
                String prescriberId,
                Instant issuedAt) {
            this(prescriptionId, patientId, drug, quantity, unit, refills, prescriberId, issuedAt, Optional.empty());
        }
    }

    /** A pharmacist checks the prescription; only a verified prescription may be dispensed. */
    record VerifyPrescription(String pharmacistId, Instant issuedAt) implements PrescriptionCommand {}

    /** Hand out part or all of what remains of the current fill. */
    record DispenseDrug(int quantity, Instant issuedAt) implements PrescriptionCommand {}

    /** Start the next fill, once the current one is complete and refills remain. */
    record RefillPrescription(Instant issuedAt) implements PrescriptionCommand {}

    /**
     * The prescription's expiry timer fell due: {@code issuedAt} is the instant it was due. Records {@code
     * PrescriptionExpired} once, when the prescription has an expiry at or before {@code issuedAt} and is still open;
     * otherwise (already expired, completed, cancelled, no expiry or not yet due) it changes nothing.
     */
    record ExpirePrescription(Instant issuedAt) implements PrescriptionCommand {}

    /** Stop the prescription for good; nothing can be dispensed after it. */
    record CancelPrescription(String reason, Instant issuedAt) implements PrescriptionCommand {}
}
