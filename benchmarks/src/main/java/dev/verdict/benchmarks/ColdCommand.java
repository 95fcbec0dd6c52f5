package dev.verdict.benchmarks;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 4: a command on an entity that is not cached but has a snapshot at its head, against a raw publish with
 * OCC – and, to show where the time goes, the same three round trips done by hand with jnats (KV get of the
 * snapshot, last message of the subject, publish). A second Verdict variant also writes a snapshot after every
 * event, to show what that policy adds.
 */
final class ColdCommand implements Scenario {
    private static final int ENTITIES = 1000;
    /** Fresh entities per measured Verdict command: more than the commands of all its trials (≈ 2,500/s at most). */
    private static final int FRESH_ENTITIES_PER_SECOND_OF_TRIALS = 3000;

    @Override
    public String id() {
        return "4";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        int fresh = (int) Math.max(
                ENTITIES,
                FRESH_ENTITIES_PER_SECOND_OF_TRIALS
                        * (s.warmups() + s.repeats())
                        * s.window().toMillis()
                        / 1000);
        ScenarioResult result = new ScenarioResult(
                id(),
                "Cold command on a snapshotted entity",
                "One thread. Verdict: cache off; " + String.format(java.util.Locale.ROOT, "%,d", fresh)
                        + " entities ordered and snapshotted in setup, each measured command goes to one no command "
                        + "has touched since, so it loads a snapshot at the head (KV get, with the last-sequence "
                        + "check sent alongside it; no tail), decides and publishes; this runtime writes no "
                        + "snapshots. Verdict, snapshot every event: "
                        + String.format(java.util.Locale.ROOT, "%,d", ENTITIES)
                        + " entities round-robin with a snapshot written asynchronously after every event (a "
                        + "KV update per command beside the measured path). Raw publish: sync publish with OCC + "
                        + "message id, version known in memory. Raw by hand: `kv.get` of a 200-byte snapshot + "
                        + "`getLastMessage` of the subject + the publish, one after the other (no decoding); raw KV "
                        + "get + publish: the same without `getLastMessage` (a cold command deciding on the snapshot "
                        + "and letting the append's expectation check that it is current). "
                        + s.warmups() + " warm-up + " + s.repeats() + " repeats of "
                        + s.window().toMillis()
                        + " ms, interleaved.");
        CommandThroughput.RawEntities raw = new CommandThroughput.RawEntities(ctx, "cold", ENTITIES);
        raw.create();
        KeyValue kv = rawSnapshots(ctx, raw);
        VerdictColdCommands verdict = VerdictColdCommands.atHead(ctx, fresh);
        VerdictColdCommands writing = VerdictColdCommands.snapshotEveryEvent(ctx, ENTITIES);
        Map<String, Supplier<Trial>> variants = Pairs.variants();
        if (verdict.available()) {
            variants.put("verdict", verdict::trial);
            variants.put("verdict writing", writing::trial);
        }
        variants.put(
                "raw publish",
                () -> Load.closedLoop(1, s.window(), (w, i) -> {
                    int e = (int) (i % ENTITIES);
                    raw.last(e, ctx.raw.publish(raw.subject(e), ctx.payloads.dispensed, raw.last(e), ctx.ids.next()));
                }));
        variants.put(
                "raw by hand",
                () -> Load.closedLoop(1, s.window(), (w, i) -> {
                    int e = (int) (i % ENTITIES);
                    KeyValueEntry snapshot = kv.get("cold.e" + e);
                    if (snapshot == null) {
                        throw new BenchmarkFailed("no raw snapshot for entity " + e, null);
                    }
                    long last = ctx.raw.lastSequence(raw.subject(e));
                    raw.last(e, ctx.raw.publish(raw.subject(e), ctx.payloads.dispensed, last, ctx.ids.next()));
                }));
        variants.put(
                "raw kv publish",
                () -> Load.closedLoop(1, s.window(), (w, i) -> {
                    // what a cold command would cost with the version request gone: decided on the snapshot, the
                    // append's expectation (the snapshot's version) checking that it is current
                    int e = (int) (i % ENTITIES);
                    if (kv.get("cold.e" + e) == null) {
                        throw new BenchmarkFailed("no raw snapshot for entity " + e, null);
                    }
                    raw.last(e, ctx.raw.publish(raw.subject(e), ctx.payloads.dispensed, raw.last(e), ctx.ids.next()));
                }));
        Map<String, List<Trial>> r = Pairs.run(s, variants);
        String caseName = "cache off, snapshot at head";
        if (verdict.available()) {
            result.add(Measurement.throughput(id(), caseName, "Verdict handle", "commands/s", r.get("verdict")));
            result.add(Measurement.throughput(
                    id(),
                    caseName,
                    "Verdict handle, snapshot after every event",
                    "commands/s",
                    r.get("verdict writing")));
        } else {
            result.add(Measurement.notMeasured(id(), caseName, "Verdict handle", verdict.why()));
        }
        result.add(Measurement.throughput(
                id(), caseName, "raw publish (version known)", "commands/s", r.get("raw publish")));
        result.add(Measurement.throughput(
                id(), caseName, "raw KV get + last seq + publish", "commands/s", r.get("raw by hand")));
        if (verdict.available()) {
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "Verdict / raw publish (p50 ms)",
                    r.get("verdict"),
                    r.get("raw publish"),
                    t -> t.latencies().medianMillis(),
                    Target.atMost(2.5)));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "Verdict, snapshot after every event / raw publish (p50 ms)",
                    r.get("verdict writing"),
                    r.get("raw publish"),
                    t -> t.latencies().medianMillis(),
                    Target.none()));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "Verdict / raw KV get + last seq + publish (p50 ms)",
                    r.get("verdict"),
                    r.get("raw by hand"),
                    t -> t.latencies().medianMillis(),
                    Target.none()));
        } else {
            result.add(Ratio.notMeasured(
                    id(), caseName, "Verdict / raw publish (p50 ms)", Target.atMost(2.5), verdict.why()));
        }
        result.add(Measurement.throughput(
                id(), caseName, "raw KV get + publish (no version request)", "commands/s", r.get("raw kv publish")));
        result.add(Ratio.of(
                id(),
                caseName,
                "raw KV get + publish / raw publish (p50 ms): the floor with the version request gone",
                r.get("raw kv publish"),
                r.get("raw publish"),
                t -> t.latencies().medianMillis(),
                Target.none()));
        result.add(Ratio.of(
                id(),
                caseName,
                "raw KV get + last seq + publish / raw publish (p50 ms)",
                r.get("raw by hand"),
                r.get("raw publish"),
                t -> t.latencies().medianMillis(),
                Target.none()));
        verdict.close();
        writing.close();
        return result;
    }

    private static KeyValue rawSnapshots(BenchmarkContext ctx, CommandThroughput.RawEntities raw) throws Exception {
        ctx.rawConnection
                .keyValueManagement()
                .create(KeyValueConfiguration.builder()
                        .name("raw-snapshots")
                        .storageType(StorageType.File)
                        .replicas(1)
                        .maxHistoryPerKey(1)
                        .build());
        KeyValue kv = ctx.rawConnection.keyValue("raw-snapshots");
        byte[] value = ("{\"version\":1,\"fingerprint\":\"a1b2c3d4\",\"state\":{\"status\":\"ORDERED\","
                        + "\"unit\":\"capsule\",\"prescribed\":2147483647,\"dispensed\":0,\"labels\":0,"
                        + "\"notifications\":0},\"padding\":\"0123456789012345678901234567890123456789\"}")
                .getBytes(StandardCharsets.UTF_8);
        for (int e = 0; e < raw.size(); e++) {
            kv.put("cold.e" + e, value);
        }
        return kv;
    }
}
