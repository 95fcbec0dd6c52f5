package dev.verdict.benchmarks;

import java.util.List;
import java.util.Locale;
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
                "One entity per history length, its events written back to back. Verdict: `EntityHandle.load` "
                        + "on a runtime without cache – without a snapshot it reads every event (batch direct gets) "
                        + "and folds it; with a snapshot at the head it reads the KV snapshot and checks the "
                        + "subject's last sequence. Raw: an ordered consumer on the same subject of Verdict's stream, "
                        + "reading until the message whose pending count is 0 (payload bytes touched, nothing "
                        + "decoded). " + s.loadsPerRepeat() + " loads per repeat (" + s.longLoadsPerRepeat()
                        + " from 1,000 events, " + s.longestLoadsPerRepeat() + " from 10,000), " + s.warmups()
                        + " warm-up + " + s.repeats()
                        + " repeats, interleaved; latency = one whole load.");
        Map<Integer, List<Trial>> snapshotLoads = new java.util.TreeMap<>();
        try (VerdictLoads verdict = VerdictLoads.open(ctx)) {
            for (int n : s.historyLengths()) {
                String caseName = String.format(Locale.ROOT, "%,d events", n);
                verdict.prepare(n);
                String subject = verdict.subject(n);
                int loads = n >= 10_000
                        ? s.longestLoadsPerRepeat()
                        : n >= 1000 ? s.longLoadsPerRepeat() : s.loadsPerRepeat();
                Map<String, Supplier<Trial>> variants = Pairs.variants();
                variants.put("no snapshot", () -> verdict.loads(n, false, loads));
                if (verdict.snapshotsAvailable()) {
                    // a snapshot load takes about a millisecond whatever the history: enough loads for a median
                    variants.put("snapshot", () -> verdict.loads(n, true, s.loadsPerRepeat()));
                }
                variants.put("raw", () -> rawLoads(ctx.rawOnVerdictStream, subject, n, loads));
                Map<String, List<Trial>> r = Pairs.run(s, variants);
                result.add(Measurement.latency(id(), caseName, "Verdict, no snapshot", r.get("no snapshot")));
                if (verdict.snapshotsAvailable()) {
                    result.add(Measurement.latency(id(), caseName, "Verdict, snapshot at head", r.get("snapshot")));
                    snapshotLoads.put(n, r.get("snapshot"));
                } else {
                    result.add(Measurement.notMeasured(id(), caseName, "Verdict, snapshot at head", Missing.SNAPSHOTS));
                }
                result.add(Measurement.latency(id(), caseName, "raw ordered consumer", r.get("raw")));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict no snapshot / raw read (ms)",
                        r.get("no snapshot"),
                        r.get("raw"),
                        t -> t.latencies().medianMillis(),
                        Target.none()));
            }
        }
        String flat = "snapshot at head, 10,000 vs 100 events";
        String what = "load time 10,000 / 100 events (ms)";
        if (snapshotLoads.containsKey(10_000) && snapshotLoads.containsKey(100)) {
            result.add(Ratio.of(
                    id(),
                    flat,
                    what,
                    snapshotLoads.get(10_000),
                    snapshotLoads.get(100),
                    t -> t.latencies().medianMillis(),
                    Target.atMost(1.2)));
        } else {
            result.add(Ratio.notMeasured(
                    id(),
                    flat,
                    what,
                    Target.atMost(1.2),
                    snapshotLoads.isEmpty() ? Missing.SNAPSHOTS : "this run has no 100 and 10,000 event histories"));
        }
        return result;
    }

    static Trial rawLoads(RawJetStream raw, String subject, int expected, int loads) {
        long[] bytes = new long[1];
        Trial t = Load.repeat(loads, (w, i) -> {
            long read = raw.read(subject, 0, m -> bytes[0] += m.getData().length);
            if (read != expected) {
                throw new BenchmarkFailed(
                        "raw read " + read + " events of " + subject + ", expected " + expected, null);
            }
        });
        return t.withCounter("events read", expected);
    }
}
