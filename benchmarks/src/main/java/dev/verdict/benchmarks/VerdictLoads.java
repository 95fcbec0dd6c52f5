package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.EntityState;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Snapshot;
import java.util.Optional;

/**
 * The Verdict side of scenario 2: cold loads ({@code EntityHandle.load} on a runtime without cache) of entities in
 * category {@value #CATEGORY}, from all events or from a snapshot at the head.
 */
final class VerdictLoads implements AutoCloseable {
    static final String CATEGORY = "load";

    private final BenchmarkContext ctx;
    private final CountingMetrics metrics = new CountingMetrics();
    private final CommandRuntime fromEvents;
    private final EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> eventsHandle;
    private final Optional<CommandRuntime> fromSnapshots;
    private final Optional<EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent>> snapshotHandle;

    private VerdictLoads(BenchmarkContext ctx) {
        this.ctx = ctx;
        this.fromEvents = ctx.verdict.runtime(0, false, metrics);
        this.eventsHandle = ctx.verdict.register(fromEvents, CATEGORY, Optional.empty());
        if (ctx.verdict.snapshots().isPresent()) {
            CommandRuntime r = ctx.verdict.runtime(0, true, metrics);
            this.fromSnapshots = Optional.of(r);
            this.snapshotHandle = Optional.of(ctx.verdict.register(r, CATEGORY, Optional.of(SnapshotPolicy.never())));
        } else {
            this.fromSnapshots = Optional.empty();
            this.snapshotHandle = Optional.empty();
        }
    }

    static VerdictLoads open(BenchmarkContext ctx) {
        return new VerdictLoads(ctx);
    }

    boolean available() {
        return true;
    }

    String why() {
        return "";
    }

    boolean snapshotsAvailable() {
        return snapshotHandle.isPresent();
    }

    String subject(int events) {
        return ctx.verdict.subject(CATEGORY, id(events));
    }

    private static String id(int events) {
        return "h" + events;
    }

    /** Writes the history and, when snapshots are available, a snapshot at its head (setup, not measured). */
    void prepare(int events) {
        ctx.verdict.fill(CATEGORY, id(events), events);
        if (snapshotHandle.isPresent()) {
            EntityState<Prescription> head = eventsHandle.load(id(events));
            ctx.verdict
                    .snapshots()
                    .orElseThrow()
                    .save(
                            head.entity(),
                            new Snapshot(
                                    head.version(),
                                    ctx.verdict.stateCodec.fingerprint(),
                                    ctx.verdict.stateCodec.encode(head.state())));
        }
    }

    Trial loads(int events, boolean snapshot, int count) {
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle =
                snapshot ? snapshotHandle.orElseThrow() : eventsHandle;
        long[] before = metrics.now();
        Trial t = Load.repeat(count, (w, i) -> {
            EntityState<Prescription> s = handle.load(id(events));
            if (s.state().dispensed() != events - 1) {
                throw new BenchmarkFailed("loaded " + s.state() + " from " + events + " events: wrong state", null);
            }
        });
        long[] after = metrics.now();
        double read = (after[CountingMetrics.EVENTS_READ] - before[CountingMetrics.EVENTS_READ]) / (double) count;
        return t.withCounter("events read", read);
    }

    @Override
    public void close() {
        fromEvents.close();
        fromSnapshots.ifPresent(CommandRuntime::close);
    }
}
