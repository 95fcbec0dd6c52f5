package dev.verdict.benchmarks.domain;

import java.time.Instant;

/** Events of the benchmark's prescription decider. */
public sealed interface PrescriptionEvent {

    record PrescriptionOrdered(
            String patient, String drug, int quantity, String unit, int refills, String prescriber, Instant at)
            implements PrescriptionEvent {}

    record DrugDispensed(int quantity, String unit, String pharmacist, Instant at) implements PrescriptionEvent {}

    record LabelPrinted(String label, String pharmacist, Instant at) implements PrescriptionEvent {}

    record PatientNotified(String channel, String message, Instant at) implements PrescriptionEvent {}
}
