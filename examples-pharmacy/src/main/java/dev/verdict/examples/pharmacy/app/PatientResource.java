package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One patient in {@code GET /patients}: the read model's patients and how many prescriptions each has. */
@JsonPropertyOrder({"patientId", "prescriptions"})
public record PatientResource(String patientId, int prescriptions) {}
