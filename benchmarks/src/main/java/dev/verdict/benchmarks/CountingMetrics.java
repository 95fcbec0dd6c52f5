package dev.verdict.benchmarks;

import dev.verdict.runtime.RuntimeMetrics;
import dev.verdict.store.Category;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** Counts what the runtime reports, so a scenario can say how many conflicts, retries and reads a command cost. */
final class CountingMetrics implements RuntimeMetrics {
    final LongAdder conflicts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder eventsRead = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder snapshotHits = new LongAdder();
    final LongAdder snapshotMisses = new LongAdder();
    final LongAdder snapshotsWritten = new LongAdder();
    final LongAdder snapshotsNotWritten = new LongAdder();

    @Override
    public void conflict(Category category) {
        conflicts.increment();
    }

    @Override
    public void retry(Category category) {
        retries.increment();
    }

    @Override
    public void loaded(Category category, LoadSource source, long events, Duration duration) {
        if (source != LoadSource.CACHE) {
            loads.increment();
            eventsRead.add(events);
        }
    }

    @Override
    public void snapshotLookup(Category category, SnapshotLookup result) {
        if (result == SnapshotLookup.HIT) {
            snapshotHits.increment();
        } else {
            snapshotMisses.increment();
        }
    }

    @Override
    public void snapshotWrite(Category category, SnapshotWrite result) {
        if (result == SnapshotWrite.WRITTEN) {
            snapshotsWritten.increment();
        } else {
            snapshotsNotWritten.increment();
        }
    }

    /** The counters now, to subtract later. */
    long[] now() {
        return new long[] {
            conflicts.sum(),
            retries.sum(),
            eventsRead.sum(),
            loads.sum(),
            snapshotHits.sum(),
            snapshotMisses.sum(),
            snapshotsWritten.sum(),
            snapshotsNotWritten.sum()
        };
    }

    static final int CONFLICTS = 0;
    static final int RETRIES = 1;
    static final int EVENTS_READ = 2;
    static final int LOADS = 3;
    static final int SNAPSHOT_HITS = 4;
    static final int SNAPSHOT_MISSES = 5;
    static final int SNAPSHOTS_WRITTEN = 6;
}
