package dev.verdict.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures how much heap an operation keeps alive, not how much garbage it makes: while the operation runs, a
 * sampler thread requests a full collection every few milliseconds, and a listener records the heap in use right
 * after each full collection – the exact live set at that instant. The maximum over the samples is the operation's
 * peak live heap. An operation that streams keeps this flat however long its input; one that holds its input in
 * memory grows with it. (The full collections slow the operation down: never time it at the same time.)
 *
 * <pre>{@code
 * long baseline = HeapWatch.usedAfterFullGc();
 * try (HeapWatch watch = HeapWatch.start()) {
 *     replay();
 *     long peakLive = watch.maxUsedAfterGc() - baseline;
 * }
 * }</pre>
 */
final class HeapWatch implements AutoCloseable {
    private static final long SAMPLE_EVERY_MILLIS = 20;

    private final AtomicLong maxAfterGc = new AtomicLong(-1);
    private final AtomicLong collections = new AtomicLong();
    private final Thread sampler;
    private volatile boolean sampling = true;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    private HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        sampler = new Thread(
                () -> {
                    while (sampling) {
                        System.gc();
                        try {
                            Thread.sleep(SAMPLE_EVERY_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static HeapWatch start() {
        return new HeapWatch();
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if (!info.getGcAction().contains("major")) {
            return; // a young collection leaves old garbage in place: not a live-set figure
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool :
                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (isHeap(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        long u = used;
        maxAfterGc.accumulateAndGet(u, Math::max);
        collections.incrementAndGet();
    }

    private static boolean isHeap(String pool) {
        String p = pool.toLowerCase(java.util.Locale.ROOT);
        return p.contains("eden") || p.contains("survivor") || p.contains("old") || p.contains("tenured");
    }

    /** The largest heap in use right after a full collection since {@link #start()}, or -1 when none ran. */
    long maxUsedAfterGc() {
        return maxAfterGc.get();
    }

    long collections() {
        return collections.get();
    }

    /** Heap in use after asking for full collections until the number settles (System.gc() is a request). */
    static long usedAfterFullGc() {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 256 * 1024) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /**
     * Stops sampling after one last full collection (what the operation still holds at its end counts too, so even
     * an operation shorter than the sampling period gets a figure), waiting up to a second for its notification.
     */
    @Override
    public void close() {
        sampling = false;
        sampler.interrupt();
        try {
            sampler.join();
            long seen = collections.get();
            System.gc();
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (collections.get() == seen && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already removed
            }
        }
    }
}
