package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verdict.examples.pharmacy.Prescription;
import java.time.Instant;

/**
 * The public JSON shape of a prescription: {@code GET /prescriptions/{id}} and every successful prescription
 * command answer with it; the read model's rows have the same shape.
 *
 * @param expiresAt when the prescription expires; absent from the JSON when it does not (and in the read model's
 *     rows, which do not keep it)
 * @param version the stream sequence of the prescription's last event
 */
@JsonPropertyOrder({
    "prescriptionId",
    "patientId",
    "drug",
    "status",
    "quantity",
    "dispensed",
    "remaining",
    "refillsLeft",
    "expiresAt",
    "version"
})
public record PrescriptionResource(
        String prescriptionId,
        String patientId,
        String drug,
        String status,
        int quantity,
        int dispensed,
        int remaining,
        int refillsLeft,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
        long version) {

    /** A prescription without a known expiry (the read model's rows). */
    PrescriptionResource(
            String prescriptionId,
            String patientId,
            String drug,
            String status,
            int quantity,
            int dispensed,
            int remaining,
            int refillsLeft,
            long version) {
        this(prescriptionId, patientId, drug, status, quantity, dispensed, remaining, refillsLeft, null, version);
    }

    static PrescriptionResource of(Prescription p, long version) {
        return new PrescriptionResource(
                p.prescriptionId(),
                p.patientId(),
                p.drug(),
                p.status().label(),
                p.quantity(),
                p.dispensed(),
                p.remaining(),
                p.refillsLeft(),
                p.expiresAt(),
                version);
    }
}
