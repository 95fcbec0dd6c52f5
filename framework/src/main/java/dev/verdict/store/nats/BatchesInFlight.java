package dev.verdict.store.nats;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on asynchronous work in flight without a waiting thread: {@link #start} runs the work at once when a place
 * is free, else queues it; {@link #release} (once per started work, when it has finished) frees the place and starts
 * the next queued work, in order.
 */
final class BatchesInFlight {
    private final AtomicInteger free;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    BatchesInFlight(int places) {
        this.free = new AtomicInteger(places);
    }

    void start(Runnable work) {
        waiting.add(work);
        drain();
    }

    void release() {
        free.incrementAndGet();
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            int places = free.get();
            if (places == 0) {
                return; // a release will start it
            }
            if (!free.compareAndSet(places, places - 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                free.incrementAndGet(); // another thread took it: give the place back
                continue;
            }
            next.run();
        }
    }
}
