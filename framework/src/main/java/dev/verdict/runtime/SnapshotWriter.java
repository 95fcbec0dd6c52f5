package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StateCodec;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots off the command path, on one background thread owned by the runtime. A snapshot is an
 * optimisation: encoding or saving failures are logged and counted, never thrown; when the queue is full the snapshot
 * is dropped (the next one the policy asks for will do).
 */
final class SnapshotWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final Optional<SnapshotStore> store;
    private final RuntimeMetrics metrics;
    private final ThreadPoolExecutor executor;

    SnapshotWriter(Optional<SnapshotStore> store, RuntimeMetrics metrics, int queueCapacity) {
        this.store = store;
        this.metrics = metrics;
        if (store.isPresent()) {
            String name = "verdict-snapshots-" + RUNTIMES.incrementAndGet();
            this.executor = new ThreadPoolExecutor(
                    1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), runnable -> {
                        Thread t = new Thread(runnable, name);
                        t.setDaemon(true);
                        return t;
                    });
        } else {
            this.executor = null;
        }
    }

    boolean enabled() {
        return store.isPresent();
    }

    <S> void write(
            Category category, EntityRef entity, StateCodec<S> codec, S state, long version, String streamIdentity) {
        if (executor == null) {
            return;
        }
        try {
            executor.execute(() -> save(category, entity, codec, state, version, streamIdentity));
        } catch (RejectedExecutionException e) {
            LOG.debug("snapshot of {} at version {} dropped: the write queue is full or closed", entity, version);
            metrics.snapshotWrite(category, RuntimeMetrics.SnapshotWrite.DROPPED);
        }
    }

    private <S> void save(
            Category category, EntityRef entity, StateCodec<S> codec, S state, long version, String streamIdentity) {
        try {
            Snapshot snapshot = new Snapshot(version, codec.fingerprint(), codec.encode(state), streamIdentity);
            store.orElseThrow().save(entity, snapshot);
            metrics.snapshotWrite(category, RuntimeMetrics.SnapshotWrite.WRITTEN);
            LOG.trace("snapshot of {} written at version {}", entity, version);
        } catch (RuntimeException e) {
            metrics.snapshotWrite(category, RuntimeMetrics.SnapshotWrite.FAILED);
            LOG.warn("snapshot of {} at version {} not written (commands are unaffected)", entity, version, e);
        }
    }

    /** Writes what is queued (waiting up to {@code timeoutMillis}), then stops the thread. */
    void close(long timeoutMillis) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                int pending = executor.shutdownNow().size();
                LOG.warn("{} snapshot write(s) abandoned on close", pending);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
