package dev.verdict.benchmarks;

import java.util.function.DoublePredicate;

/**
 * A goal from the benchmark issue, checked against the median of a {@link Ratio}'s pairs: e.g. "≥ 0.9" for Verdict
 * throughput over raw throughput.
 *
 * <pre>{@code
 * Target t = Target.atLeast(0.9); // t.text() = "≥ 0.9"
 * }</pre>
 */
record Target(String text, DoublePredicate met) {

    static Target atLeast(double bound) {
        return new Target("≥ " + bound, v -> v >= bound);
    }

    static Target atMost(double bound) {
        return new Target("≤ " + bound, v -> v <= bound);
    }

    /** No goal: the ratio is reported for information. */
    static Target none() {
        return new Target("–", v -> true);
    }

    boolean isGoal() {
        return !"–".equals(text);
    }
}
