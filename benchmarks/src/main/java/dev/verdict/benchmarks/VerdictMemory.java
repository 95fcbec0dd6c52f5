package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.EntityState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Verdict side of scenario 8: what the state cache costs per entity, and what a replay or a projection rebuild
 * keeps alive. Histories of length {@code n} live in category {@code mem<n>}, entity {@code r}.
 */
final class VerdictMemory implements AutoCloseable {
    private final BenchmarkContext ctx;
    private final CommandRuntime replayRuntime;

    private VerdictMemory(BenchmarkContext ctx) {
        this.ctx = ctx;
        this.replayRuntime = ctx.verdict.runtime(0, false);
    }

    static VerdictMemory open(BenchmarkContext ctx) {
        return new VerdictMemory(ctx);
    }

    boolean available() {
        return true;
    }

    boolean projectionsAvailable() {
        return true;
    }

    String why() {
        return "";
    }

    static String category(int events) {
        return "mem" + events;
    }

    /** Writes one entity with that many events (setup); returns its subject. */
    String prepareReplay(int events) {
        ctx.verdict.fill(category(events), "r", events);
        return ctx.verdict.subject(category(events), "r");
    }

    /**
     * Heap per cached entity: the same commands on {@code entities} new entities through a runtime with a cache of
     * that size and through one without cache; the difference of the heaps after a full GC, per entity. Then as many
     * again through the cached runtime, to show the cache stays bounded by its size.
     */
    Measurement cachedEntities(String scenario, int entities) {
        try (CommandRuntime cached = ctx.verdict.runtime(entities, false);
                CommandRuntime uncached = ctx.verdict.runtime(0, false)) {
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> withCache =
                    ctx.verdict.register(cached, "memc", Optional.empty());
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> withoutCache =
                    ctx.verdict.register(uncached, "memn", Optional.empty());
            PrescriptionCommand order = Prescriptions.order(Payloads.AT);
            long base = HeapWatch.usedAfterFullGc();
            Setup.parallel(16, entities, i -> VerdictCommands.accepted(withCache.handle("c" + i, order)));
            long afterCached = HeapWatch.usedAfterFullGc();
            Setup.parallel(16, entities, i -> VerdictCommands.accepted(withoutCache.handle("n" + i, order)));
            long afterUncached = HeapWatch.usedAfterFullGc();
            Setup.parallel(16, entities, i -> VerdictCommands.accepted(withCache.handle("d" + i, order)));
            sleep(500); // the cache evicts in the background
            long afterTwice = HeapWatch.usedAfterFullGc();
            double cachedDelta = afterCached - base;
            double uncachedDelta = afterUncached - afterCached;
            double perEntity = (cachedDelta - uncachedDelta) / entities;
            double twiceDelta = afterTwice - afterUncached;
            Map<String, Double> details = new LinkedHashMap<>();
            details.put("heap Δ with cache MiB", cachedDelta / (1 << 20));
            details.put("heap Δ without cache MiB", uncachedDelta / (1 << 20));
            details.put(
                    String.format(Locale.ROOT, "heap Δ after %,d more entities MiB", entities), twiceDelta / (1 << 20));
            return Measurement.single(
                    scenario,
                    String.format(Locale.ROOT, "%,d cached entities (cache size %,d)", entities, entities),
                    "Verdict cache",
                    "bytes/entity",
                    Spread.single(perEntity),
                    details);
        }
    }

    /** A full load (no cache, no snapshot) of the entity with that many events; returns the state. */
    Object replay(int events) {
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle = replayHandle(events);
        EntityState<Prescription> s = handle.load("r");
        if (s.state().dispensed() != events - 1) {
            throw new BenchmarkFailed("replayed " + s.state() + " from " + events + " events: wrong state", null);
        }
        return s;
    }

    private final Map<Integer, EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent>> handles =
            new LinkedHashMap<>();

    private EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> replayHandle(int events) {
        return handles.computeIfAbsent(events, n -> ctx.verdict.register(replayRuntime, category(n), Optional.empty()));
    }

    /** A projection rebuilt from the first event of the category (a fresh in-memory projection catching up). */
    Object rebuild(int events) {
        try (VerdictProjection projections = VerdictProjection.open(ctx)) {
            return projections.catchUp(category(events), events);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        replayRuntime.close();
    }
}
