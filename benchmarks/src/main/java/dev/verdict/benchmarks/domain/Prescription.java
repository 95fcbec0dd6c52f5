package dev.verdict.benchmarks.domain;

/**
 * The state of one prescription as the decider needs it: small on purpose (a cached entity should cost little).
 *
 * @param status {@code NEW} before the order, {@code ORDERED} after it
 */
public record Prescription(String status, String unit, int prescribed, long dispensed, int labels, int notifications) {

    public static final Prescription NEW = new Prescription("NEW", "", 0, 0, 0, 0);

    public long remaining() {
        return prescribed - dispensed;
    }
}
