package dev.verdict.examples.pharmacy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Optional;

/**
 * The state of one prescription, as the {@link PrescriptionDecider} sees it. {@link #NONE} (not {@code null}) is
 * the state before any event.
 *
 * @param dispensed units handed out in the current fill
 * @param fill the current fill number: 1 for the first fill, 0 before verification
 * @param refillsUsed refills started so far
 * @param expiresAt when it expires, {@code null} when it does not (absent from a snapshot then; use {@link #expiry()})
 */
public record Prescription(
        PrescriptionStatus status,
        String prescriptionId,
        String patientId,
        String drug,
        int quantity,
        String unit,
        int refillsAllowed,
        int refillsUsed,
        int fill,
        int dispensed,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt) {

    /** The state of a prescription that has no events. */
    public static final Prescription NONE =
            new Prescription(PrescriptionStatus.NONE, "", "", "", 0, "", 0, 0, 0, 0, null);

    /** When the prescription expires, if it does. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** Whether it has an expiry at or before {@code at}. */
    public boolean isExpiredAt(Instant at) {
        return expiresAt != null && !at.isBefore(expiresAt);
    }

    /** Units still to dispense in the current fill. */
    public int remaining() {
        return quantity - dispensed;
    }

    /** Refills that may still be started. */
    public int refillsLeft() {
        return refillsAllowed - refillsUsed;
    }

    /** Whether dispensing may happen (verified and the current fill not complete). */
    public boolean canDispense() {
        return (status == PrescriptionStatus.VERIFIED || status == PrescriptionStatus.DISPENSING) && remaining() > 0;
    }

    Prescription withStatus(PrescriptionStatus newStatus) {
        return new Prescription(
                newStatus,
                prescriptionId,
                patientId,
                drug,
                quantity,
                unit,
                refillsAllowed,
                refillsUsed,
                fill,
                dispensed,
                expiresAt);
    }

    Prescription withFill(PrescriptionStatus newStatus, int newFill, int newRefillsUsed, int newDispensed) {
        return new Prescription(
                newStatus,
                prescriptionId,
                patientId,
                drug,
                quantity,
                unit,
                refillsAllowed,
                newRefillsUsed,
                newFill,
                newDispensed,
                expiresAt);
    }
}
