package dev.verdict.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 11: {@code handleAsync} against raw {@code publishAsync}, with 64 and 256 commands in flight over 1,000
 * entities, warm cache. Each lane keeps one operation in flight and owns its entities, so neither side queues per
 * entity or conflicts.
 */
final class AsyncCommandThroughput implements Scenario {
    static final List<Integer> IN_FLIGHT = List.of(64, 256);
    /**
     * Pairs of entities and decisions in flight of the two-entity case (each lane owns its pairs): below the server's
     * 50 atomic batches in flight per stream (with 64 both sides are refused with 10210).
     */
    static final int TWO_ENTITY_PAIRS = 256;

    static final int TWO_ENTITY_IN_FLIGHT = 32;

    @Override
    public String id() {
        return "11";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                String.format(
                        java.util.Locale.ROOT,
                        "Asynchronous commands, %,d entities, warm cache: handleAsync vs publishAsync",
                        s.entities()),
                "One driver thread keeps `in flight` operations going (one per lane; a lane owns `entities / in"
                        + " flight` entities and goes round-robin over them). Verdict: `EntityHandle.handleAsync` of a"
                        + " one-event `Dispense` command with a warm cache (decided on the calling thread, appended by"
                        + " one asynchronous publish request, the future completed on the runtime's executor). Raw:"
                        + " `JetStream.publishAsync` of the same event JSON (encoded once up front) with"
                        + " `expectedLastSubjectSequence` + `messageId`, the sequence tracked in an array. "
                        + s.warmups() + " warm-up + " + s.repeats() + " measured repeats of "
                        + s.window().toMillis()
                        + " ms per variant, interleaved. A third variant runs `handleAsync` on a"
                        + " runtime built with `completeInline()` (futures completed on the NATS thread; callbacks must"
                        + " not block) to show what handing the completion to a pool thread costs; a fourth runs the blocking `handle` on 16 pool"
                        + " threads – what `handleAsync` did before it became non-blocking. Two entities: "
                        + "`MultiEntityHandle.handleAsync` of a decision over two categories (one event each, one"
                        + " ADR-50 batch over both subjects, both guarded), warm cache, " + TWO_ENTITY_IN_FLIGHT
                        + " in flight over " + TWO_ENTITY_PAIRS + " pairs, against the same batch on jnats core sent"
                        + " asynchronously (first message and commit as asynchronous requests).");
        CommandThroughput.RawEntities raw = new CommandThroughput.RawEntities(ctx, "rxa", s.entities());
        raw.create();
        VerdictCommands verdict = VerdictCommands.open(ctx, "rxa", s.entities());
        // the same with completeInline(): the future completed on the NATS thread, not handed to a pool thread
        VerdictCommands inline = VerdictCommands.openCompletingInline(ctx, "rxi", s.entities());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "bench-blocking-handle");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int window : IN_FLIGHT) {
                String caseName = window + " in flight";
                Map<String, Supplier<Trial>> variants = Pairs.variants();
                variants.put("verdict", () -> verdict.asyncWindow(window));
                variants.put("raw async", () -> raw.asyncTrial(window));
                variants.put("inline", () -> inline.asyncWindow(window));
                variants.put("blocking", () -> verdict.blockingOnPool(window, pool));
                Map<String, List<Trial>> r = Pairs.run(s, variants);
                result.add(
                        Measurement.throughput(id(), caseName, "Verdict handleAsync", "commands/s", r.get("verdict")));
                result.add(
                        Measurement.throughput(id(), caseName, "raw publishAsync", "commands/s", r.get("raw async")));
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict handleAsync, completeInline()", "commands/s", r.get("inline")));
                result.add(Measurement.throughput(
                        id(),
                        caseName,
                        "blocking handle on 16 pool threads (handleAsync before)",
                        "commands/s",
                        r.get("blocking")));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict handleAsync / raw publishAsync (commands/s)",
                        r.get("verdict"),
                        r.get("raw async"),
                        Trial::throughput,
                        Target.atLeast(0.85)));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict handleAsync, completeInline() / raw publishAsync (commands/s)",
                        r.get("inline"),
                        r.get("raw async"),
                        Trial::throughput,
                        Target.none()));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "blocking handle on 16 pool threads / raw publishAsync (commands/s): handleAsync before",
                        r.get("blocking"),
                        r.get("raw async"),
                        Trial::throughput,
                        Target.none()));
            }
            // decisions over two entities: handleAsync of a 2-entity decision vs the raw asynchronous 2-subject batch
            try (AsyncMultiEntityPair pair = AsyncMultiEntityPair.open(ctx, TWO_ENTITY_PAIRS)) {
                String caseName = "2 entities, " + TWO_ENTITY_IN_FLIGHT + " in flight";
                Map<String, Supplier<Trial>> variants = Pairs.variants();
                variants.put("verdict 2x2", () -> pair.verdict(TWO_ENTITY_IN_FLIGHT));
                variants.put("raw 2x2", () -> pair.raw(TWO_ENTITY_IN_FLIGHT));
                Map<String, List<Trial>> r = Pairs.run(s, variants);
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict MultiEntityHandle.handleAsync", "decisions/s", r.get("verdict 2x2")));
                result.add(Measurement.throughput(
                        id(), caseName, "raw asynchronous 2-subject batch", "decisions/s", r.get("raw 2x2")));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict 2-entity handleAsync / raw asynchronous 2-subject batch (decisions/s)",
                        r.get("verdict 2x2"),
                        r.get("raw 2x2"),
                        Trial::throughput,
                        Target.atLeast(0.85)));
            }
        } finally {
            pool.shutdownNow();
            verdict.close();
            inline.close();
        }
        return result;
    }
}
