package dev.verdict.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import java.time.Instant;
import java.util.List;

/**
 * The raw side's payloads: the JSON of exactly the events Verdict's decider produces for the same commands,
 * encoded once up front. The raw baseline therefore pays nothing for encoding – Verdict's codec is counted as
 * Verdict's cost.
 */
final class Payloads {
    static final Instant AT = Instant.parse("2026-11-27T08:00:00Z");

    final byte[] ordered;
    final byte[] dispensed;
    final List<byte[]> dispensedLabelledNotified;

    Payloads() {
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Prescription ordered = Prescriptions.evolve(
                Prescription.NEW,
                Prescriptions.decide(Prescriptions.order(AT), Prescription.NEW).get(0));
        this.ordered = encode(
                json,
                Prescriptions.decide(Prescriptions.order(AT), Prescription.NEW).get(0));
        this.dispensed = encode(
                json, Prescriptions.decide(Prescriptions.dispense(AT), ordered).get(0));
        this.dispensedLabelledNotified = Prescriptions.decide(Prescriptions.dispenseAndNotify(AT), ordered).stream()
                .map(e -> encode(json, e))
                .toList();
    }

    private static byte[] encode(ObjectMapper json, PrescriptionEvent event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }
}
