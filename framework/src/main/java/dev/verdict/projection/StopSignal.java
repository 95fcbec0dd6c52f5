package dev.verdict.projection;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A partition worker's stop request: a flag the worker checks and a latch its pauses wait on, cut short by it. */
final class StopSignal {
    private volatile boolean requested;
    private volatile CountDownLatch latch = new CountDownLatch(0);

    /** Clears a previous request before the worker starts. */
    void arm() {
        requested = false;
        latch = new CountDownLatch(1);
    }

    void request() {
        requested = true;
        latch.countDown();
    }

    boolean requested() {
        return requested;
    }

    /** Pauses for up to {@code millis}; true when a stop was requested (before or meanwhile). */
    boolean await(long millis) throws InterruptedException {
        return latch.await(millis, TimeUnit.MILLISECONDS);
    }
}
