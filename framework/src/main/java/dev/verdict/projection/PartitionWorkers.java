package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.FeedFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition workers of one {@link ProjectionRunner} – one per partition, in partition order – and what watches
 * over them while they run: the {@link ApplyWatchdog}, and the watch that hands each dead-letter retry request to the
 * worker of its event's partition. The runner calls it under its lifecycle lock ({@link #join} excepted), so it keeps
 * no lock of its own.
 *
 * @param <E> the events the projection reads
 */
final class PartitionWorkers<E> {
    // logged under the runner's name, as before the workers had a class of their own
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final RunnerSettings<E> settings;
    private final List<PartitionWorker<E>> workers;
    private final Supplier<DeadLetters> deadLetters;
    private ApplyWatchdog watchdog; // guarded by the runner's lifecycle lock
    private AutoCloseable retryWatch; // guarded by the runner's lifecycle lock

    /**
     * One worker per partition of {@code partitions}; {@code onProgress} is called by each after it made progress,
     * {@code deadLetters} opens the store watched for retry requests.
     */
    PartitionWorkers(
            RunnerSettings<E> settings,
            int partitions,
            Runnable onProgress,
            PartitionShare share,
            String runnerId,
            Supplier<DeadLetters> deadLetters) {
        this.settings = settings;
        this.deadLetters = deadLetters;
        List<PartitionWorker<E>> list = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            list.add(new PartitionWorker<>(settings, new Partition(i, partitions), onProgress, share, runnerId));
        }
        this.workers = List.copyOf(list);
    }

    /** Every worker, in partition order. */
    List<PartitionWorker<E>> all() {
        return workers;
    }

    /** The worker of the first partition (the only one when not partitioned). */
    PartitionWorker<E> first() {
        return workers.get(0);
    }

    /** Whether any worker's thread is running. */
    boolean anyAlive() {
        for (PartitionWorker<E> w : workers) {
            if (w.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts every worker, then the watchdog and the retry-request watch unless they still run; the future completes
     * when every worker caught up, and fails as the first worker that fails.
     */
    CompletableFuture<Void> start() {
        for (PartitionWorker<E> w : workers) {
            w.start();
        }
        if (watchdog == null) {
            watchdog = new ApplyWatchdog(settings.name(), settings.applyTimeout(), workers);
        }
        if (retryWatch == null) {
            retryWatch = watchRetryRequests();
        }
        return CompletableFuture.allOf(
                workers.stream().map(PartitionWorker::caughtUp).toArray(CompletableFuture[]::new));
    }

    /** Asks every worker to stop after the event it is applying; returns at once. */
    void requestStop() {
        for (PartitionWorker<E> w : workers) {
            w.requestStop();
        }
    }

    /** Waits for each worker's thread to end, at most {@code wait} each. */
    void join(Duration wait) {
        for (PartitionWorker<E> w : workers) {
            w.join(wait);
        }
    }

    /** Closes the watchdog and the retry-request watch (after the workers stopped); idempotent. */
    void closeWatches() {
        if (watchdog != null) {
            watchdog.close();
            watchdog = null;
        }
        if (retryWatch != null) {
            try {
                retryWatch.close();
            } catch (Exception e) {
                LOG.debug("projection '{}': retry watch not closed ({})", settings.name(), e.toString());
            }
            retryWatch = null;
        }
    }

    /**
     * For a rebuild: deletes every worker's consumer and forgets its position.
     *
     * @throws ProjectionFailure when a consumer cannot be deleted (the workers after it are left as they were)
     */
    void deleteConsumersAndResetPositions() {
        for (PartitionWorker<E> w : workers) {
            try {
                w.deleteConsumer();
            } catch (FeedFailure e) {
                throw new ProjectionFailure("cannot delete consumer '" + w.consumerName() + "': " + e.getMessage(), e);
            }
            w.resetPosition();
        }
    }

    /**
     * Watches the dead letters for retry requests ({@code verdict dead-letters retry}) and hands each to the worker of
     * its event's partition, which applies it while it is the active one. Without a watch (the bucket unreachable or
     * not permitted) requests wait, and a warning says so.
     */
    private AutoCloseable watchRetryRequests() {
        try {
            return deadLetters
                    .get()
                    .watchRetryRequests(settings.filter().stream(), settings.name(), new DeadLetters.RetryRequests() {
                        @Override
                        public void requested(DeadLetter letter) {
                            int count = workers.size();
                            int index = count == 1
                                    ? 0
                                    : Partition.ofSubject(letter.subject(), count)
                                            .index();
                            workers.get(index).retries().requested(letter.sequence());
                        }

                        @Override
                        public void settled(long sequence) {
                            workers.forEach(w -> w.retries().settled(sequence));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn(
                    "projection '{}': dead letters not watched for retry requests ({}); requests wait until a"
                            + " restart",
                    settings.name(),
                    e.toString());
            return () -> {};
        }
    }
}
