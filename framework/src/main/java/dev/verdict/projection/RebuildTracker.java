package dev.verdict.projection;

import dev.verdict.store.EventFeeds;
import dev.verdict.store.FeedFailure;
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

    /** A rebuild starting now, with the total read from the feeds (unknown, -1, when they cannot tell it). */
    static RebuildTracker begin(Consumer<RebuildProgress> listener, EventFeeds feeds, String projection) {
        RebuildTracker r = new RebuildTracker(listener, System.nanoTime());
        try {
            r.total = feeds.lastSequence();
        } catch (FeedFailure e) {
            LOG.debug("rebuild of '{}': total unknown ({})", projection, e.toString());
        }
        return r;
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
