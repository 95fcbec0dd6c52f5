package dev.verdict.benchmarks.scale;

import io.nats.client.JetStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Setup, not measured: writes entities {@code from..to-1} (one event each) with raw {@code publishAsync}, a window of
 * {@value #IN_FLIGHT} in flight, and records each entity's stream sequence (its version) from the acknowledgement.
 */
final class ScaleFill {
    static final int IN_FLIGHT = 4000;

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
        long start = System.nanoTime();
        long lastReport = start;
        for (int i = from; i < to; i++) {
            if (failure.get() != null) {
                break;
            }
            window.acquire();
            int entity = i;
            js.publishAsync(layout.firstEvent(i)).whenComplete((ack, error) -> {
                if (error != null) {
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
        return (to - from) / ((System.nanoTime() - start) / 1e9);
    }
}
