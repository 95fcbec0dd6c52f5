package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.SnapshotPolicy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Verdict side of scenario 4: a runtime without cache whose entities have a snapshot at their head. Needs the KV
 * snapshot store. Two modes:
 *
 * <ul>
 *   <li>{@link #atHead}: every entity is ordered (and snapshotted) in setup, and the measured runtime never writes a
 *       snapshot; each measured command goes to an entity no command has touched since, so its snapshot is at the
 *       head – the cost of the KV read and the version check, nothing else;
 *   <li>{@link #snapshotEveryEvent}: the measured runtime snapshots after every event and the commands go round-robin
 *       over the entities, so each command also leaves an asynchronous snapshot write behind it.
 * </ul>
 */
final class VerdictColdCommands implements AutoCloseable {
    private final BenchmarkContext ctx;
    private final String why;
    private final boolean roundRobin;
    private final CountingMetrics metrics = new CountingMetrics();
    private final AtomicLong nextEntity = new AtomicLong();
    private CommandRuntime runtime;
    private EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle;
    private String[] ids;

    private VerdictColdCommands(BenchmarkContext ctx, String category, int entities, boolean writeEveryEvent) {
        this.ctx = ctx;
        this.roundRobin = writeEveryEvent;
        this.why = ctx.verdict.snapshots().isPresent() ? "" : Missing.SNAPSHOTS;
        if (!why.isEmpty()) {
            return;
        }
        ids = new String[entities];
        for (int i = 0; i < entities; i++) {
            ids[i] = "c" + i;
        }
        CountingMetrics setupMetrics = new CountingMetrics();
        CommandRuntime setup = ctx.verdict.runtime(0, true, setupMetrics, entities);
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> setupHandle =
                ctx.verdict.register(setup, category, Optional.of(SnapshotPolicy.everyEvents(1)));
        Setup.parallel(
                8,
                entities,
                i -> VerdictCommands.accepted(setupHandle.handle(ids[i], Prescriptions.order(Payloads.AT))));
        awaitSnapshots(setupMetrics, entities);
        setup.close();
        if (setupMetrics.snapshotsWritten.sum() < entities) {
            throw new BenchmarkFailed(
                    "setup wrote " + setupMetrics.snapshotsWritten.sum() + " of " + entities + " snapshots", null);
        }
        runtime = ctx.verdict.runtime(0, true, metrics);
        handle = ctx.verdict.register(
                runtime,
                category,
                Optional.of(writeEveryEvent ? SnapshotPolicy.everyEvents(1) : SnapshotPolicy.never()));
    }

    private static void awaitSnapshots(CountingMetrics metrics, int expected) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (metrics.snapshotsWritten.sum() + metrics.snapshotsNotWritten.sum() < expected) {
            if (System.nanoTime() > deadline) {
                throw new BenchmarkFailed("snapshots of the set-up commands were not written within 60 s", null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkFailed("interrupted", e);
            }
        }
    }

    /** Entities used once each: a snapshot at the head, no snapshot written while measuring. */
    static VerdictColdCommands atHead(BenchmarkContext ctx, int entities) {
        return new VerdictColdCommands(ctx, "cold", entities, false);
    }

    /** Entities round-robin with a snapshot written after every event. */
    static VerdictColdCommands snapshotEveryEvent(BenchmarkContext ctx, int entities) {
        return new VerdictColdCommands(ctx, "coldw", entities, true);
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
        Trial t = Load.closedLoop(1, ctx.settings.window(), (w, i) -> {
            long n = roundRobin ? i : nextEntity.getAndIncrement();
            VerdictCommands.accepted(handle.handle(ids[(int) (n % ids.length)], dispense));
        });
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
