package dev.verdict.examples.pharmacy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Optional;

/**
 * What happened to a prescription. Events carry the prescription id and, where a reaction needs them, the drug and
 * quantities, so the {@link PharmacyProcess} and the read model need nothing but the event itself.
 */
public sealed interface PrescriptionEvent {

    /** The prescription this event belongs to. */
    String prescriptionId();

    /** When it happened, as the command stated. */
    Instant occurredAt();

    /**
     * Ordered. {@code expiresAt} is absent from the stored JSON when the order has no expiry – as in every order the
     * first releases stored, which read as orders without expiry; use {@link #expiry()}.
     */
    record PrescriptionOrdered(
            String prescriptionId,
            String patientId,
            String drug,
            int quantity,
            String unit,
            int refills,
            String prescriberId,
            Instant occurredAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt)
            implements PrescriptionEvent {

        /** An order without expiry. */
        public PrescriptionOrdered(
                String prescriptionId,
                String patientId,
                String drug,
                int quantity,
                String unit,
                int refills,
                String prescriberId,
                Instant occurredAt) {
            this(prescriptionId, patientId, drug, quantity, unit, refills, prescriberId, occurredAt, null);
        }

        /** When the prescription expires, if it does. */
        public Optional<Instant> expiry() {
            return Optional.ofNullable(expiresAt);
        }
    }

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

    /**
     * The prescription's expiry ({@code expiresAt}) passed while it was open: nothing can be dispensed or refilled any
     * more. Recorded once, by the expiry timer ({@code occurredAt} is the instant the timer was due).
     */
    record PrescriptionExpired(String prescriptionId, String drug, Instant expiresAt, Instant occurredAt)
            implements PrescriptionEvent {}

    /** The last fill is complete and no refills remain: nothing more can happen to this prescription. */
    record PrescriptionCompleted(String prescriptionId, int fills, Instant occurredAt) implements PrescriptionEvent {}
}
