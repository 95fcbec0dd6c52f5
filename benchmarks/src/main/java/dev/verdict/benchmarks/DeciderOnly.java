package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Scenario 7: runs {@link DeciderBenchmark} with JMH in one short fork (JMH needs its own JVM for trustworthy
 * nanosecond numbers) and reports ns per decision, plain functions against Verdict's {@code Decider}.
 */
final class DeciderOnly implements Scenario {
    private static final int WARMUPS = 3;
    private static final int ITERATIONS = 5;

    @Override
    public String id() {
        return "7";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        ScenarioResult result = new ScenarioResult(
                id(),
                "Decider only (JMH)",
                "JMH 1.37, 1 fork, " + WARMUPS + " warm-up + " + ITERATIONS + " measured iterations of 1 s, average "
                        + "time per call: decide + evolve of a 1-event and a 3-event decision on an ordered "
                        + "prescription, written as plain static functions and called through Verdict's `Decider` "
                        + "(`Decider.of` + `fold`), and through a decider built with `Decider.builder` (one handler per sealed "
                        + "subtype, dispatched by class). Spread = min/median/max of the iterations. JMH's GC profiler adds the "
                        + "bytes allocated per decision, which unlike nanoseconds does not depend on the machine's "
                        + "load: equal bytes mean the wrapper adds no allocation.");
        if (!ctx.settings.jmh()) {
            result.add(Measurement.notMeasured(id(), "decide + evolve", "JMH", "skipped in quick mode"));
            return result;
        }
        Options options = new OptionsBuilder()
                .include(DeciderBenchmark.class.getName() + ".*")
                .forks(1)
                .warmupIterations(WARMUPS)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(ITERATIONS)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xms256m", "-Xmx256m")
                .addProfiler(GCProfiler.class)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, Spread> byName = new HashMap<>();
        Map<String, Double> bytesPerOp = new HashMap<>();
        for (RunResult run : runs) {
            String name = run.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult b : run.getBenchmarkResults()) {
                for (IterationResult it : b.getIterationResults()) {
                    scores.add(it.getPrimaryResult().getScore());
                }
            }
            byName.put(name, Spread.of(scores));
            for (Map.Entry<String, Result> secondary :
                    run.getAggregatedResult().getSecondaryResults().entrySet()) {
                if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytesPerOp.put(name, secondary.getValue().getScore());
                }
            }
        }
        for (String events : List.of("1", "3")) {
            String caseName = events + "-event decision";
            Spread plain = byName.get("plainDecideEvolve" + events);
            Spread verdict = byName.get("verdictDecideEvolve" + events);
            double plainBytes = bytesPerOp.getOrDefault("plainDecideEvolve" + events, Double.NaN);
            double verdictBytes = bytesPerOp.getOrDefault("verdictDecideEvolve" + events, Double.NaN);
            result.add(Measurement.single(
                    id(),
                    caseName,
                    "plain functions",
                    "ns/decision",
                    plain,
                    Map.of("allocated B/decision", plainBytes)));
            result.add(Measurement.single(
                    id(),
                    caseName,
                    "Verdict Decider",
                    "ns/decision",
                    verdict,
                    Map.of("allocated B/decision", verdictBytes)));
            result.add(Ratio.ofValues(
                    id(),
                    caseName,
                    "Verdict Decider / plain functions (allocated bytes per decision)",
                    verdictBytes,
                    plainBytes,
                    Target.atMost(1.01)));
            result.add(Ratio.ofValues(
                            id(),
                            caseName,
                            "Verdict Decider / plain functions (ns, medians)",
                            verdict.median(),
                            plain.median(),
                            Target.none())
                    .withNote("noisy on a shared machine"));
            Spread typed = byName.get("typedDecideEvolve" + events);
            double typedBytes = bytesPerOp.getOrDefault("typedDecideEvolve" + events, Double.NaN);
            result.add(Measurement.single(
                    id(),
                    caseName,
                    "Decider.builder",
                    "ns/decision",
                    typed,
                    Map.of("allocated B/decision", typedBytes)));
            result.add(Ratio.ofValues(
                    id(),
                    caseName,
                    "Decider.builder / plain functions (allocated bytes per decision)",
                    typedBytes,
                    plainBytes,
                    Target.atMost(1.01)));
            result.add(Ratio.ofValues(
                            id(),
                            caseName,
                            "Decider.builder / plain functions (ns, medians)",
                            typed.median(),
                            plain.median(),
                            Target.none())
                    .withNote("noisy on a shared machine"));
        }
        return result;
    }
}
