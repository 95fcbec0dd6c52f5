package dev.verdict.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One variant of one case of a scenario, aggregated over its repeats: the headline metric as a {@link Spread}
 * (min/median/max of the repeats), the latency percentiles pooled over all measured operations, and the medians of
 * the scenario's counters. A variant that could not be measured carries the reason instead of numbers.
 *
 * <pre>{@code
 * Measurement m = Measurement.throughput("1", "concurrency 8", "raw sync publish", "commands/s", trials);
 * }</pre>
 */
record Measurement(
        String scenario,
        String caseName,
        String variant,
        String metric,
        Optional<Spread> value,
        double p50Millis,
        double p99Millis,
        long operations,
        Map<String, Double> details,
        Optional<String> notMeasured) {

    Measurement {
        details = Map.copyOf(details);
    }

    /** Operations per second per repeat. */
    static Measurement throughput(String scenario, String caseName, String variant, String metric, List<Trial> trials) {
        return of(scenario, caseName, variant, metric, trials, Trial::throughput);
    }

    /** The median latency (ms) of each repeat as the headline: for scenarios where one operation is the point. */
    static Measurement latency(String scenario, String caseName, String variant, List<Trial> trials) {
        return of(
                scenario,
                caseName,
                variant,
                "ms (median per repeat)",
                trials,
                t -> t.latencies().medianMillis());
    }

    static Measurement of(
            String scenario,
            String caseName,
            String variant,
            String metric,
            List<Trial> trials,
            ToDoubleFunction<Trial> headline) {
        LatencySamples pooled = new LatencySamples();
        long operations = 0;
        Map<String, List<Double>> counters = new LinkedHashMap<>();
        for (Trial t : trials) {
            pooled.addAll(t.latencies());
            operations += t.operations();
            t.counters()
                    .forEach((k, v) -> counters.computeIfAbsent(k, x -> new java.util.ArrayList<>())
                            .add(v));
        }
        Map<String, Double> details = new LinkedHashMap<>();
        counters.forEach((k, v) -> details.put(k, Spread.of(v).median()));
        return new Measurement(
                scenario,
                caseName,
                variant,
                metric,
                Optional.of(
                        Spread.of(trials.stream().map(headline::applyAsDouble).toList())),
                pooled.percentileOrNaN(50),
                pooled.percentileOrNaN(99),
                operations,
                details,
                Optional.empty());
    }

    /** A single value that has no repeats of its own (e.g. bytes per cached entity). */
    static Measurement single(
            String scenario,
            String caseName,
            String variant,
            String metric,
            Spread value,
            Map<String, Double> details) {
        return new Measurement(
                scenario,
                caseName,
                variant,
                metric,
                Optional.of(value),
                Double.NaN,
                Double.NaN,
                0,
                details,
                Optional.empty());
    }

    /** A variant that this run could not measure, with the reason a reader needs. */
    static Measurement notMeasured(String scenario, String caseName, String variant, String why) {
        return new Measurement(
                scenario,
                caseName,
                variant,
                "",
                Optional.empty(),
                Double.NaN,
                Double.NaN,
                0,
                Map.of(),
                Optional.of(why));
    }
}
