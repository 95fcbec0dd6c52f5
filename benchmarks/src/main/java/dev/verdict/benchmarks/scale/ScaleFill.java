package dev.verdict.benchmarks.scale;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Setup, not measured: writes entities {@code from..to-1} (one event each) with raw {@code publishAsync}, a window of
 * {@value #IN_FLIGHT} in flight, and records each entity's stream sequence (its version) from the acknowledgement.
 * An entity whose acknowledgement timed out (a loaded machine, a cluster) is written again at the end: it may then hold
 * its first event twice, which no measurement depends on (each records the version it wrote last).
 */
final class ScaleFill {
    static final int IN_FLIGHT = 2000;

    private final ScaleLayout layout;
    private final JetStream js;
    /** The version (stream sequence of its last event) of every entity written so far. */
    final long[] versions;

    ScaleFill(ScaleLayout layout, JetStream js, int capacity) {
        this.layout = layout;
        this.js = js;
        this.versions = new long[capacity];
    }

    /** Writes entities [from, to); returns the rate in messages per second. */
    double fill(int from, int to, Consumer<String> progress) throws InterruptedException {
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // an acknowledgement lost to a timeout on a loaded machine: written again at the end, synchronously
        ConcurrentLinkedQueue<Integer> timedOut = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long lastReport = start;
        for (int i = from; i < to; i++) {
            if (failure.get() != null) {
                break;
            }
            window.acquire();
            int entity = i;
            js.publishAsync(layout.firstEvent(i)).whenComplete((ack, error) -> {
                if (error != null && timedOut.size() < 100_000) {
                    timedOut.add(entity);
                } else if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    versions[entity] = ack.getSeqno();
                }
                window.release();
            });
            long now = System.nanoTime();
            if (now - lastReport > TimeUnit.SECONDS.toNanos(30)) {
                lastReport = now;
                progress.accept(String.format(
                        "  filled %,d of %,d (%,.0f msgs/s)", i + 1, to, (i + 1 - from) / ((now - start) / 1e9)));
            }
        }
        if (!window.tryAcquire(IN_FLIGHT, 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fill: acknowledgements missing after 120 s");
        }
        window.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("fill failed: " + failure.get(), failure.get());
        }
        if (!timedOut.isEmpty()) {
            progress.accept("  " + timedOut.size() + " acknowledgements timed out: writing those entities again");
        }
        for (int entity : timedOut) {
            versions[entity] = publishWithRetries(entity);
        }
        return (to - from) / ((System.nanoTime() - start) / 1e9);
    }

    private long publishWithRetries(int entity) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return js.publish(layout.firstEvent(entity)).getSeqno();
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (attempt == 10) {
                    throw new IllegalStateException("fill: entity " + entity + " not written: " + e, e);
                }
                Thread.sleep(100);
            }
        }
    }
}
