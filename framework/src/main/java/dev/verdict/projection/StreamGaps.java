package dev.verdict.projection;

import dev.verdict.store.EventDelivery;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events a partition's consumer did not deliver here straight from the stream, in stream order, and
 * processes them: a gap before a delivery (a delivery lost in transit, a take-over) or a tail delivered to an instance
 * that died and never acknowledged it. Used by the worker's thread only.
 */
final class StreamGaps<E> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private final RunnerSettings<E> s;
    private final EventApplier<E> applier;
    private final PartitionProgress progress;
    private final StopSignal stop;
    private final Runnable onProgress;
    private final String suffix;

    StreamGaps(
            RunnerSettings<E> settings,
            Partition partition,
            EventApplier<E> applier,
            PartitionProgress progress,
            StopSignal stop,
            Runnable onProgress) {
        this.s = settings;
        this.applier = applier;
        this.progress = progress;
        this.stop = stop;
        this.onProgress = onProgress;
        this.suffix = PartitionWorker.suffix(partition);
    }

    /**
     * Reads the matching events after the position and processes them, in order, up to {@code last} (inclusive) or,
     * when {@code last} is -1, to the end of the stream. Returns {@link ApplyResult#DONE} when the range was
     * processed, else why it stopped.
     */
    ApplyResult read(long last) {
        long from = progress.position + 1;
        long[] read = {0};
        ApplyResult[] outcome = {ApplyResult.DONE};
        Predicate<EventDelivery> visitor = msg -> {
            long seq = msg.streamSequence();
            if (last >= 0 && seq > last) {
                return false;
            }
            if (stop.requested()) {
                outcome[0] = ApplyResult.STOPPING;
                return false;
            }
            if (seq <= progress.position) {
                return true;
            }
            ApplyResult r;
            try {
                r = applier.process(msg, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = ApplyResult.STOPPING;
            }
            if (r != ApplyResult.DONE) {
                outcome[0] = r;
                return false;
            }
            read[0]++;
            return true;
        };
        s.feeds().scan(s.filter().subjects(), from, last, visitor);
        if (read[0] > 0) {
            progress.gapsFilled++;
            LOG.info(
                    "projection '{}'{}: read {} event(s) from sequence {} that were not delivered here{}",
                    s.name(),
                    suffix,
                    read[0],
                    from,
                    last >= 0 ? " (up to " + last + ")" : " (delivered to another instance, not acknowledged)");
            onProgress.run();
        }
        return outcome[0] == ApplyResult.DONE && stop.requested() ? ApplyResult.STOPPING : outcome[0];
    }
}
