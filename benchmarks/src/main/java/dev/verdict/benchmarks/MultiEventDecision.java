package dev.verdict.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 3: a decision of three events (stored atomically) against a raw ADR-50 atomic batch of three, and a
 * single-event decision against a raw single publish – single-event decisions must not pay for a batch.
 */
final class MultiEventDecision implements Scenario {
    private static final int ENTITIES = 100;

    @Override
    public String id() {
        return "3";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                "Multi-event decisions",
                "One thread, " + ENTITIES + " entities round-robin, warm cache. Verdict: `handle` of "
                        + "`DispenseAndNotify` (3 events: dispensed, label printed, patient notified, one atomic "
                        + "batch) and of `Dispense` (1 event). Raw 3: an ADR-50 atomic batch on jnats core – first "
                        + "message as a request with `Nats-Batch-Id`, `Nats-Batch-Sequence: 1` and the expected "
                        + "last subject sequence, the second as a plain publish, the third with "
                        + "`Nats-Batch-Commit: 1` as a request answered by the PubAck; a second raw variant publishes the first "
                        + "message too (one round trip less). Raw 1: a sync publish with "
                        + "OCC + message id. " + s.decisionsPerRepeat() + " decisions per repeat, "
                        + s.warmups() + " warm-up + " + s.repeats() + " repeats, interleaved.");
        CommandThroughput.RawEntities raw = new CommandThroughput.RawEntities(ctx, "dec", ENTITIES);
        raw.create();
        VerdictCommands verdict = VerdictCommands.open(ctx, "dec", ENTITIES);
        int count = s.decisionsPerRepeat();
        Map<String, Supplier<Trial>> variants = Pairs.variants();
        if (verdict.available()) {
            variants.put("verdict 3", () -> verdict.decisions(3, count));
            variants.put("verdict 1", () -> verdict.decisions(1, count));
        }
        variants.put(
                "raw batch 3",
                () -> Load.repeat(count, (w, i) -> {
                    int e = (int) (i % ENTITIES);
                    String id = ctx.ids.next();
                    raw.last(
                            e,
                            ctx.raw.publishAtomicBatch(
                                    raw.subject(e), ctx.payloads.dispensedLabelledNotified, raw.last(e), id, id));
                }));
        variants.put(
                "raw batch 3 published",
                () -> Load.repeat(count, (w, i) -> {
                    int e = (int) (i % ENTITIES);
                    String id = ctx.ids.next();
                    raw.last(
                            e,
                            ctx.raw.publishAtomicBatch(
                                    raw.subject(e),
                                    ctx.payloads.dispensedLabelledNotified,
                                    raw.last(e),
                                    id,
                                    id,
                                    false));
                }));
        variants.put(
                "raw publish 1",
                () -> Load.repeat(count, (w, i) -> {
                    int e = (int) (i % ENTITIES);
                    raw.last(e, ctx.raw.publish(raw.subject(e), ctx.payloads.dispensed, raw.last(e), ctx.ids.next()));
                }));
        Map<String, List<Trial>> r = Pairs.run(s, variants);
        if (verdict.available()) {
            result.add(Measurement.latency(id(), "3 events", "Verdict handle", r.get("verdict 3")));
        } else {
            result.add(Measurement.notMeasured(id(), "3 events", "Verdict handle", verdict.why()));
        }
        result.add(Measurement.latency(id(), "3 events", "raw atomic batch", r.get("raw batch 3")));
        result.add(Measurement.latency(
                id(), "3 events", "raw atomic batch, first message published", r.get("raw batch 3 published")));
        if (verdict.available()) {
            result.add(Measurement.latency(id(), "1 event", "Verdict handle", r.get("verdict 1")));
        } else {
            result.add(Measurement.notMeasured(id(), "1 event", "Verdict handle", verdict.why()));
        }
        result.add(Measurement.latency(id(), "1 event", "raw sync publish", r.get("raw publish 1")));
        if (verdict.available()) {
            result.add(Ratio.of(
                    id(),
                    "3 events",
                    "Verdict / raw atomic batch (ms)",
                    r.get("verdict 3"),
                    r.get("raw batch 3"),
                    t -> t.latencies().medianMillis(),
                    Target.atMost(1.1)));
            result.add(Ratio.of(
                    id(),
                    "1 event",
                    "Verdict / raw publish (ms)",
                    r.get("verdict 1"),
                    r.get("raw publish 1"),
                    t -> t.latencies().medianMillis(),
                    Target.none()));
            result.add(Ratio.of(
                    id(),
                    "1 event",
                    "Verdict 1 event / raw atomic batch of 3 (ms): no batch paid",
                    r.get("verdict 1"),
                    r.get("raw batch 3"),
                    t -> t.latencies().medianMillis(),
                    Target.atMost(0.5)));
        } else {
            result.add(Ratio.notMeasured(
                    id(), "3 events", "Verdict / raw atomic batch (ms)", Target.atMost(1.1), verdict.why()));
        }
        result.add(Ratio.of(
                id(),
                "raw only",
                "raw batch, first published / first as request (ms)",
                r.get("raw batch 3 published"),
                r.get("raw batch 3"),
                t -> t.latencies().medianMillis(),
                Target.none()));
        result.add(Ratio.of(
                id(),
                "raw only",
                "raw batch of 3 / raw publish of 1 (ms): what a batch costs",
                r.get("raw batch 3"),
                r.get("raw publish 1"),
                t -> t.latencies().medianMillis(),
                Target.none()));
        verdict.close();
        return result;
    }
}
