package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verdict.examples.pharmacy.Prescription;

/**
 * The public JSON shape of a prescription: {@code GET /prescriptions/{id}} and every successful prescription
 * command answer with it; the read model's rows have the same shape.
 *
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
        long version) {

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
                version);
    }
}
