package dev.verdict.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives operations for a fixed time and measures them: a closed loop of worker threads (each waits for its
 * operation before starting the next), or one thread keeping a window of asynchronous operations in flight.
 *
 * <pre>{@code
 * Trial t = Load.closedLoop(8, Duration.ofSeconds(2), (worker, i) -> publishOne(worker, i));
 * }</pre>
 */
final class Load {

    /** One synchronous operation of worker {@code worker}, its {@code iteration}-th since the trial started. */
    @FunctionalInterface
    interface Operation {
        void run(int worker, long iteration) throws Exception;
    }

    /** Starts one asynchronous operation for a lane; a lane has at most one operation in flight. */
    @FunctionalInterface
    interface AsyncOperation {
        CompletableFuture<?> start(int lane, long iteration) throws Exception;
    }

    private Load() {}

    /**
     * Runs {@code workers} threads, each calling the operation back to back until the duration has passed.
     *
     * @throws BenchmarkFailed when an operation throws: a benchmark that fails must not report a number
     */
    static Trial closedLoop(int workers, Duration duration, Operation operation) {
        LatencySamples[] samples = new LatencySamples[workers];
        long[] counts = new long[workers];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (int w = 0; w < workers; w++) {
            int worker = w;
            samples[w] = new LatencySamples();
            Thread t = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                            long i = 0;
                            while (failure.get() == null && System.nanoTime() < deadline[0]) {
                                long start = System.nanoTime();
                                operation.run(worker, i);
                                samples[worker].add(System.nanoTime() - start);
                                i++;
                            }
                            counts[worker] = i;
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "bench-worker-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        awaitQuietly(ready);
        long start = System.nanoTime();
        deadline[0] = start + duration.toNanos();
        go.countDown();
        for (Thread t : threads) {
            joinQuietly(t);
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new BenchmarkFailed("an operation failed: " + failure.get(), failure.get());
        }
        LatencySamples all = new LatencySamples();
        long total = 0;
        for (int w = 0; w < workers; w++) {
            all.addAll(samples[w]);
            total += counts[w];
        }
        return new Trial(total, elapsed, all, Map.of());
    }

    /**
     * Keeps {@code window} asynchronous operations in flight (one per lane) for the duration, then waits for the
     * outstanding ones. Each operation's latency runs from its start to its completion.
     */
    static Trial asyncWindow(int window, Duration duration, AsyncOperation operation) {
        BlockingQueue<Object[]> completed = new ArrayBlockingQueue<>(window * 2 + 1);
        LatencySamples samples = new LatencySamples();
        long[] started = new long[window];
        long[] iterations = new long[window];
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        int inFlight = 0;
        long operations = 0;
        try {
            for (int lane = 0; lane < window; lane++) {
                launch(operation, lane, 0, started, completed);
                inFlight++;
            }
            while (inFlight > 0) {
                Object[] done = completed.poll(30, TimeUnit.SECONDS);
                if (done == null) {
                    throw new BenchmarkFailed("no asynchronous operation completed within 30 s", null);
                }
                inFlight--;
                int lane = (Integer) done[0];
                if (done[1] != null) {
                    Throwable e = (Throwable) done[1];
                    throw new BenchmarkFailed("an asynchronous operation failed: " + e, e);
                }
                samples.add(System.nanoTime() - started[lane]);
                operations++;
                if (System.nanoTime() < deadline) {
                    iterations[lane]++;
                    launch(operation, lane, iterations[lane], started, completed);
                    inFlight++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted", e);
        } catch (BenchmarkFailed e) {
            throw e;
        } catch (Exception e) {
            throw new BenchmarkFailed("an asynchronous operation failed to start: " + e, e);
        }
        return new Trial(operations, System.nanoTime() - start, samples, Map.of());
    }

    private static void launch(
            AsyncOperation operation, int lane, long iteration, long[] started, BlockingQueue<Object[]> completed)
            throws Exception {
        started[lane] = System.nanoTime();
        operation.start(lane, iteration).whenComplete((r, e) -> completed.add(new Object[] {lane, e}));
    }

    /** Runs a task {@code count} times in a row on this thread, timing each run. */
    static Trial repeat(int count, Operation operation) {
        LatencySamples samples = new LatencySamples();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                long s = System.nanoTime();
                operation.run(0, i);
                samples.add(System.nanoTime() - s);
            }
        } catch (Exception e) {
            throw new BenchmarkFailed("an operation failed: " + e, e);
        }
        return new Trial(count, System.nanoTime() - start, samples, Map.of());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted", e);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted", e);
        }
    }
}
