package dev.verdict.examples.pharmacy;

import java.time.Instant;

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
     * first.
     */
    record OrderPrescription(
            String prescriptionId,
            String patientId,
            String drug,
            int quantity,
            String unit,
            int refills,
            String prescriberId,
            Instant issuedAt)
            implements PrescriptionCommand {}

    /** A pharmacist checks the prescription; only a verified prescription may be dispensed. */
    record VerifyPrescription(String pharmacistId, Instant issuedAt) implements PrescriptionCommand {}

    /** Hand out part or all of what remains of the current fill. */
    record DispenseDrug(int quantity, Instant issuedAt) implements PrescriptionCommand {}

    /** Start the next fill, once the current one is complete and refills remain. */
    record RefillPrescription(Instant issuedAt) implements PrescriptionCommand {}

    /** Stop the prescription for good; nothing can be dispensed after it. */
    record CancelPrescription(String reason, Instant issuedAt) implements PrescriptionCommand {}
}
