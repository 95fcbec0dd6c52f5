package dev.verdict.benchmarks;

import java.util.Locale;
import java.util.Map;

/**
 * Scenario 8: what Verdict keeps in memory. Heap per cached entity after a full GC, and the live heap while
 * replaying one long entity and while rebuilding a projection – both must stream, so 10x more history must not
 * mean more live heap.
 */
final class MemoryFootprint implements Scenario {

    @Override
    public String id() {
        return "8";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        int small = s.replayBaselineEvents();
        int big = s.replayEvents();
        ScenarioResult result = new ScenarioResult(
                id(),
                "Memory",
                String.format(
                        Locale.ROOT,
                        "Cache: heap after a full GC with %,d entities cached minus the heap before (same runtime, "
                                + "empty cache), divided by the entities. Replay / rebuild: a sampler requests a full GC every "
                                + "20 ms while the operation runs; the largest heap in use right after one of them, "
                                + "minus the heap after a full GC just before the operation, is the peak live heap the "
                                + "operation adds (the GCs slow it down; these runs are not timed). Measured at %,d and %,d events of history; "
                                + "holding the history would grow with it. The raw ordered consumer reading the same "
                                + "subject is the streaming reference.",
                        s.cachedEntities(),
                        small,
                        big));
        VerdictMemory verdict = VerdictMemory.open(ctx);
        String smallSubject = verdict.prepareReplay(small);
        String bigSubject = verdict.prepareReplay(big);
        if (verdict.available()) {
            result.add(verdict.cachedEntities(id(), s.cachedEntities()));
        } else {
            result.add(Measurement.notMeasured(
                    id(),
                    String.format(Locale.ROOT, "%,d cached entities", s.cachedEntities()),
                    "Verdict cache",
                    verdict.why()));
        }
        double rawSmall = live(() -> ColdLoad.rawLoads(ctx.rawOnVerdictStream, smallSubject, small, 1));
        double rawBig = live(() -> ColdLoad.rawLoads(ctx.rawOnVerdictStream, bigSubject, big, 1));
        result.add(Measurement.single(
                id(), label(small), "raw ordered consumer read", "live MiB", Spread.single(rawSmall), Map.of()));
        result.add(Measurement.single(
                id(), label(big), "raw ordered consumer read", "live MiB", Spread.single(rawBig), Map.of()));
        if (verdict.available()) {
            double replaySmall = live(() -> verdict.replay(small));
            double replayBig = live(() -> verdict.replay(big));
            result.add(Measurement.single(
                    id(),
                    label(small),
                    "Verdict replay (load, no snapshot)",
                    "live MiB",
                    Spread.single(replaySmall),
                    Map.of()));
            result.add(Measurement.single(
                    id(),
                    label(big),
                    "Verdict replay (load, no snapshot)",
                    "live MiB",
                    Spread.single(replayBig),
                    Map.of()));
            result.add(Ratio.ofValues(
                            id(),
                            "replay",
                            "live heap " + label(big) + " − " + label(small) + " (MiB)",
                            replayBig - replaySmall,
                            1,
                            Target.atMost(8))
                    .withNote("difference, not a ratio"));
        } else {
            result.add(Measurement.notMeasured(id(), "replay", "Verdict replay", verdict.why()));
            result.add(Ratio.notMeasured(
                    id(), "replay", "live heap 100k − 10k events (MiB)", Target.atMost(8), verdict.why()));
        }
        if (verdict.available() && verdict.projectionsAvailable()) {
            double rebuildSmall = live(() -> verdict.rebuild(small));
            double rebuildBig = live(() -> verdict.rebuild(big));
            result.add(Measurement.single(
                    id(),
                    label(small),
                    "Verdict projection rebuild (catch-up from the first event)",
                    "live MiB",
                    Spread.single(rebuildSmall),
                    Map.of()));
            result.add(Measurement.single(
                    id(),
                    label(big),
                    "Verdict projection rebuild (catch-up from the first event)",
                    "live MiB",
                    Spread.single(rebuildBig),
                    Map.of()));
            result.add(Ratio.ofValues(
                            id(),
                            "rebuild",
                            "live heap " + label(big) + " − " + label(small) + " (MiB)",
                            rebuildBig - rebuildSmall,
                            1,
                            Target.atMost(8))
                    .withNote("difference, not a ratio"));
        } else {
            String why = verdict.available() ? Missing.PROJECTION : verdict.why();
            result.add(Measurement.notMeasured(
                    id(), "rebuild", "Verdict projection rebuild (catch-up from the first event)", why));
            result.add(Ratio.notMeasured(id(), "rebuild", "live heap 100k − 10k events (MiB)", Target.atMost(8), why));
        }
        result.note("Live-heap figures include whatever the JVM holds for the connection and buffers during the "
                + "operation; compare a variant with itself across history lengths, and with the raw reader.");
        verdict.close();
        return result;
    }

    private static String label(int events) {
        return String.format(Locale.ROOT, "%,d events", events);
    }

    /** MiB of heap the operation keeps alive at its peak (see {@link HeapWatch}). */
    static double live(java.util.function.Supplier<?> operation) {
        long before = HeapWatch.usedAfterFullGc();
        HeapWatch watch = HeapWatch.start();
        Object kept;
        try {
            kept = operation.get();
        } finally {
            watch.close();
        }
        long peak = watch.maxUsedAfterGc();
        if (peak < 0) {
            throw new BenchmarkFailed("no full collection was observed: no live-heap figure", null);
        }
        java.lang.ref.Reference.reachabilityFence(kept);
        return Math.max(0, peak - before) / (1024.0 * 1024.0);
    }
}
