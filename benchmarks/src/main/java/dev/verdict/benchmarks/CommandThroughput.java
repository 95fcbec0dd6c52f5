package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.nats.NatsEventHeaders;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Scenario 1: commands over many entities with a warm cache, against raw publishes with the per-subject expectation
 * and a message id, at concurrency 1, 8 and 64. Each worker (or async lane) owns its entities, as a real service
 * partitions them, so neither side sees conflicts.
 */
final class CommandThroughput implements Scenario {

    @Override
    public String id() {
        return "1";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                String.format(java.util.Locale.ROOT, "Command throughput, %,d entities, warm cache", s.entities()),
                "Each worker thread owns `entities / concurrency` entities and sends one command after another, "
                        + "round-robin over its entities. Verdict: `handle` of a one-event `Dispense` command with a "
                        + "warm cache (decide on the cached state, one publish with the expected version). Raw: "
                        + "`JetStream.publish` of the same event JSON (encoded once up front) with "
                        + "`expectedLastSubjectSequence` + `messageId`, the sequence tracked in an array; raw async: "
                        + "`publishAsync` with one message in flight per lane and `concurrency` lanes; raw + Verdict's headers: the "
                        + "sync publish carrying the same header set Verdict writes (built once), to separate what the "
                        + "header bytes cost the server from what Verdict's code costs. "
                        + s.warmups() + " warm-up + " + s.repeats() + " measured repeats of "
                        + s.window().toMillis() + " ms per variant, interleaved.");
        RawEntities raw = new RawEntities(ctx, "rx", s.entities());
        raw.create();
        VerdictCommands verdict = VerdictCommands.open(ctx, s.entities());
        for (int c : s.concurrency()) {
            String caseName = "concurrency " + c;
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            if (verdict.available()) {
                variants.put("verdict", () -> verdict.closedLoop(c));
            }
            variants.put("raw sync", () -> raw.syncTrial(c));
            variants.put("raw async", () -> raw.asyncTrial(c));
            variants.put("raw headers", () -> raw.syncTrialWithHeaders(c, verdictHeaders(ctx)));
            Map<String, List<Trial>> r = Pairs.run(s, variants);
            if (verdict.available()) {
                result.add(Measurement.throughput(id(), caseName, "Verdict handle", "commands/s", r.get("verdict")));
            } else {
                result.add(Measurement.notMeasured(id(), caseName, "Verdict handle", verdict.why()));
            }
            result.add(Measurement.throughput(id(), caseName, "raw sync publish", "commands/s", r.get("raw sync")));
            result.add(Measurement.throughput(id(), caseName, "raw publishAsync", "commands/s", r.get("raw async")));
            result.add(Measurement.throughput(
                    id(), caseName, "raw sync publish + Verdict's headers", "commands/s", r.get("raw headers")));
            if (verdict.available()) {
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict / raw sync (commands/s)",
                        r.get("verdict"),
                        r.get("raw sync"),
                        Trial::throughput,
                        Target.atLeast(0.9)));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict / raw sync + Verdict's headers (commands/s): the framework's own code",
                        r.get("verdict"),
                        r.get("raw headers"),
                        Trial::throughput,
                        Target.none()));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict / raw async (commands/s)",
                        r.get("verdict"),
                        r.get("raw async"),
                        Trial::throughput,
                        Target.none()));
            } else {
                result.add(Ratio.notMeasured(
                        id(), caseName, "Verdict / raw sync (commands/s)", Target.atLeast(0.9), verdict.why()));
            }
        }
        verdict.close();
        return result;
    }

    /**
     * The headers Verdict writes on an event (type, schema version, event id, time, command, correlation), built once:
     * a raw publish carrying them pays the same bytes on the wire and on disk, but none of Verdict's code.
     */
    static Headers verdictHeaders(BenchmarkContext ctx) {
        EncodedEvent e = ctx.verdict.codec.encode(
                new PrescriptionEvent.DrugDispensed(1, "capsule", "pharmacist-7", Payloads.AT));
        Headers h = NatsEventHeaders.of(e, 0, UUID.randomUUID().toString(), Payloads.AT, CommandContext.create());
        h.remove(NatsEventHeaders.MSG_ID); // the publish options add it, per message
        h.put("Nats-Expected-Stream", ctx.raw.stream());
        return h;
    }

    /** Raw entities {@code raw.<category>.e<i>}, each with its last sequence tracked in memory. */
    static final class RawEntities {
        private final BenchmarkContext ctx;
        private final String[] subjects;
        private final long[] last;

        RawEntities(BenchmarkContext ctx, String category, int count) {
            this.ctx = ctx;
            this.subjects = new String[count];
            this.last = new long[count];
            for (int i = 0; i < count; i++) {
                subjects[i] = ctx.raw.stream() + "." + category + ".e" + i;
            }
        }

        int size() {
            return subjects.length;
        }

        String subject(int entity) {
            return subjects[entity];
        }

        long last(int entity) {
            return last[entity];
        }

        void last(int entity, long sequence) {
            last[entity] = sequence;
        }

        /** Orders every entity (its first event), 1,000 in flight at a time. */
        void create() {
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < subjects.length; i++) {
                int e = i;
                inFlight.add(ctx.raw
                        .publishAsync(subjects[e], ctx.payloads.ordered, 0, ctx.ids.next())
                        .thenAccept(ack -> last[e] = ack.getSeqno()));
                if (inFlight.size() == 1000) {
                    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                            .join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        }

        Trial syncTrial(int concurrency) {
            int perWorker = Math.max(1, subjects.length / concurrency);
            return Load.closedLoop(concurrency, ctx.settings.window(), (w, i) -> {
                int e = w + concurrency * (int) (i % perWorker);
                last[e] = ctx.raw.publish(subjects[e], ctx.payloads.dispensed, last[e], ctx.ids.next());
            });
        }

        Trial syncTrialWithHeaders(int concurrency, Headers headers) {
            int perWorker = Math.max(1, subjects.length / concurrency);
            return Load.closedLoop(concurrency, ctx.settings.window(), (w, i) -> {
                int e = w + concurrency * (int) (i % perWorker);
                last[e] = ctx.raw.publish(subjects[e], headers, ctx.payloads.dispensed, last[e], ctx.ids.next());
            });
        }

        Trial asyncTrial(int window) {
            int perLane = Math.max(1, subjects.length / window);
            return Load.asyncWindow(window, ctx.settings.window(), (lane, i) -> {
                int e = lane + window * (int) (i % perLane);
                return ctx.raw
                        .publishAsync(subjects[e], ctx.payloads.dispensed, last[e], ctx.ids.next())
                        .thenAccept(ack -> last[e] = ack.getSeqno());
            });
        }
    }
}
