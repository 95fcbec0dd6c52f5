package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.SnapshotPolicy;
import java.util.Optional;

/**
 * The Verdict side of scenario 4: a runtime without cache that snapshots after every event, so every command finds
 * a snapshot at its entity's head. Needs the KV snapshot store.
 */
final class VerdictColdCommands implements AutoCloseable {
    private final BenchmarkContext ctx;
    private final String why;
    private final CountingMetrics metrics = new CountingMetrics();
    private CommandRuntime runtime;
    private EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle;
    private String[] ids;

    private VerdictColdCommands(BenchmarkContext ctx, int entities) {
        this.ctx = ctx;
        this.why = ctx.verdict.snapshots().isPresent() ? "" : Missing.SNAPSHOTS;
        if (!why.isEmpty()) {
            return;
        }
        runtime = ctx.verdict.runtime(0, true, metrics);
        handle = ctx.verdict.register(runtime, "cold", Optional.of(SnapshotPolicy.everyEvents(1)));
        ids = new String[entities];
        for (int i = 0; i < entities; i++) {
            ids[i] = "c" + i;
        }
        Setup.parallel(
                8, entities, i -> VerdictCommands.accepted(handle.handle(ids[i], Prescriptions.order(Payloads.AT))));
        awaitSnapshots(entities);
    }

    private void awaitSnapshots(int expected) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (metrics.snapshotsWritten.sum() + metrics.snapshotsNotWritten.sum() < expected) {
            if (System.nanoTime() > deadline) {
                throw new BenchmarkFailed("snapshots of the set-up commands were not written within 30 s", null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkFailed("interrupted", e);
            }
        }
    }

    static VerdictColdCommands open(BenchmarkContext ctx, int entities) {
        return new VerdictColdCommands(ctx, entities);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    Trial trial() {
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        long[] before = metrics.now();
        Trial t = Load.closedLoop(
                1,
                ctx.settings.window(),
                (w, i) -> VerdictCommands.accepted(handle.handle(ids[(int) (i % ids.length)], dispense)));
        long[] after = metrics.now();
        double ops = Math.max(1, t.operations());
        return t.withCounter(
                        "snapshot hits/command",
                        (after[CountingMetrics.SNAPSHOT_HITS] - before[CountingMetrics.SNAPSHOT_HITS]) / ops)
                .withCounter(
                        "events read/command",
                        (after[CountingMetrics.EVENTS_READ] - before[CountingMetrics.EVENTS_READ]) / ops)
                .withCounter(
                        "snapshot writes/command",
                        (after[CountingMetrics.SNAPSHOTS_WRITTEN] - before[CountingMetrics.SNAPSHOTS_WRITTEN]) / ops);
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
