package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * A comparison of two variants measured in the same run, pair by pair: repeat {@code i} of the numerator against
 * repeat {@code i} of the denominator (they ran back to back), so drift of a shared machine affects both sides of
 * each pair alike. The headline is the median of the pair ratios; min and max show the spread.
 *
 * <pre>{@code
 * Ratio r = Ratio.of("1", "concurrency 8", "Verdict / raw sync (commands/s)", verdict, raw, Trial::throughput,
 *         Target.atLeast(0.9));
 * }</pre>
 */
record Ratio(String scenario, String caseName, String what, Optional<Spread> pairs, Target target, String note) {

    static Ratio of(
            String scenario,
            String caseName,
            String what,
            List<Trial> numerator,
            List<Trial> denominator,
            ToDoubleFunction<Trial> metric,
            Target target) {
        int n = Math.min(numerator.size(), denominator.size());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double below = metric.applyAsDouble(denominator.get(i));
            if (below > 0 && !Double.isNaN(below)) {
                ratios.add(metric.applyAsDouble(numerator.get(i)) / below);
            }
        }
        return new Ratio(
                scenario,
                caseName,
                what,
                ratios.isEmpty() ? Optional.empty() : Optional.of(Spread.of(ratios)),
                target,
                "");
    }

    /** A ratio of two single values (no pairs of repeats), e.g. memory at 100k over memory at 10k events. */
    static Ratio ofValues(
            String scenario, String caseName, String what, double numerator, double denominator, Target target) {
        return new Ratio(scenario, caseName, what, Optional.of(Spread.single(numerator / denominator)), target, "");
    }

    static Ratio notMeasured(String scenario, String caseName, String what, Target target, String why) {
        return new Ratio(scenario, caseName, what, Optional.empty(), target, why);
    }

    Ratio withNote(String text) {
        return new Ratio(scenario, caseName, what, pairs, target, text);
    }

    /** Empty when there is no goal or nothing was measured. */
    Optional<Boolean> met() {
        if (!target.isGoal() || pairs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(target.met().test(pairs.get().median()));
    }
}
