package dev.verdict.projection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One rebuild in progress: reports its progress to the listener at most once a second, and once when finished. */
final class RebuildTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    final CompletableFuture<RebuildProgress> done = new CompletableFuture<>();
    /** The matching events to process, when known (-1 before it was asked from the server). */
    volatile long total = -1;

    private final Consumer<RebuildProgress> listener;
    private final long startNanos;
    private long lastReportNanos;

    RebuildTracker(Consumer<RebuildProgress> listener, long startNanos) {
        this.listener = listener;
        this.startNanos = startNanos;
        this.lastReportNanos = startNanos;
    }

    synchronized void maybeReport(long processed, boolean finished) {
        if (done.isDone()) {
            return;
        }
        long now = System.nanoTime();
        if (!finished && now - lastReportNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastReportNanos = now;
        RebuildProgress p =
                new RebuildProgress(processed, Math.max(total, processed), Duration.ofNanos(now - startNanos));
        try {
            listener.accept(p);
        } catch (RuntimeException e) {
            LOG.warn("rebuild progress listener failed", e);
        }
        if (finished) {
            done.complete(p);
        }
    }
}
