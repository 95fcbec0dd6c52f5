package dev.verdict.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 2: loading one entity's state with 10 to 10,000 events of history, without and with a snapshot at its
 * head, against a raw ordered-consumer read of the same subject.
 */
final class ColdLoad implements Scenario {

    @Override
    public String id() {
        return "2";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                "Cold load of one entity",
                "One entity per history length, its events written back to back. Verdict, cache off: a command "
                        + "whose decision is empty (nothing is written), so the time is the load; without a snapshot "
                        + "it folds every event, with a snapshot at the head it reads the KV snapshot and checks the "
                        + "subject's last sequence. Raw: an ordered consumer on the subject, reading until the "
                        + "message whose pending count is 0 (payload bytes touched, nothing decoded). "
                        + s.loadsPerRepeat() + " loads per repeat (" + s.longLoadsPerRepeat()
                        + " from 1,000 events), " + s.warmups() + " warm-up + " + s.repeats()
                        + " repeats, interleaved; latency = one whole load.");
        VerdictLoads verdict = VerdictLoads.open(ctx);
        for (int n : s.historyLengths()) {
            String caseName = String.format(java.util.Locale.ROOT, "%,d events", n);
            String subject = verdict.available() ? verdict.subject(n) : ctx.raw.stream() + ".load.h" + n;
            if (verdict.available()) {
                verdict.prepare(n);
            } else {
                RawLoads.fill(ctx, subject, n, ctx.payloads.dispensed);
            }
            int loads = n >= 1000 ? s.longLoadsPerRepeat() : s.loadsPerRepeat();
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            if (verdict.available()) {
                variants.put("no snapshot", () -> verdict.loads(n, false, loads));
                variants.put("snapshot", () -> verdict.loads(n, true, loads));
            }
            variants.put("raw", () -> rawLoads(ctx, subject, n, loads));
            Map<String, List<Trial>> r = Pairs.run(s, variants);
            if (verdict.available()) {
                result.add(Measurement.latency(id(), caseName, "Verdict, no snapshot", r.get("no snapshot")));
                result.add(Measurement.latency(id(), caseName, "Verdict, snapshot at head", r.get("snapshot")));
            } else {
                result.add(Measurement.notMeasured(id(), caseName, "Verdict, no snapshot", verdict.why()));
                result.add(Measurement.notMeasured(id(), caseName, "Verdict, snapshot at head", verdict.why()));
            }
            result.add(Measurement.latency(id(), caseName, "raw ordered consumer", r.get("raw")));
            if (verdict.available()) {
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict no snapshot / raw read (ms)",
                        r.get("no snapshot"),
                        r.get("raw"),
                        t -> t.latencies().medianMillis(),
                        Target.none()));
                verdict.rememberSnapshotLoads(n, r.get("snapshot"));
            }
        }
        if (verdict.available()) {
            result.add(verdict.snapshotFlatness(id()));
        } else {
            result.add(Ratio.notMeasured(
                    id(),
                    "snapshot, 10,000 vs 100 events",
                    "load time 10,000 / 100 events (ms)",
                    Target.atMost(1.2),
                    verdict.why()));
        }
        verdict.close();
        return result;
    }

    static Trial rawLoads(BenchmarkContext ctx, String subject, int expected, int loads) {
        long[] bytes = new long[1];
        Trial t = Load.repeat(loads, (w, i) -> {
            long read = ctx.raw.read(subject, 0, m -> bytes[0] += m.getData().length);
            if (read != expected) {
                throw new BenchmarkFailed(
                        "raw read " + read + " events of " + subject + ", expected " + expected, null);
            }
        });
        return t.withCounter("events read", expected);
    }
}
