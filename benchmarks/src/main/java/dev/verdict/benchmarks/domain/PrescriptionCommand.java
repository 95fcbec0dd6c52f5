package dev.verdict.benchmarks.domain;

import java.time.Instant;

/**
 * Commands of the benchmark's prescription decider: a trimmed-down version of the pharmacy example's, sized so that
 * each event is a realistic 150–250 bytes of JSON. Time travels inside the command (deciders never read a clock).
 */
public sealed interface PrescriptionCommand {

    /** Orders a prescription; the entity must be new. One event. */
    record Order(String patient, String drug, int quantity, String unit, int refills, String prescriber, Instant at)
            implements PrescriptionCommand {}

    /** Dispenses part of the prescription; it must be ordered and have enough left. One event. */
    record Dispense(int quantity, String pharmacist, Instant at) implements PrescriptionCommand {}

    /** Dispenses, prints the label and notifies the patient in one decision: three events, stored atomically. */
    record DispenseAndNotify(int quantity, String pharmacist, String channel, Instant at)
            implements PrescriptionCommand {}
}
