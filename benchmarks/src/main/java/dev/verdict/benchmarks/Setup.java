package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Unmeasured preparation work, spread over threads (entity {@code i} is always handled by one task). */
final class Setup {
    @FunctionalInterface
    interface Task {
        void run(int index) throws Exception;
    }

    private Setup() {}

    /** Runs {@code task(0..count-1)} on {@code threads} threads, each thread a contiguous share; fails on the first error. */
    static void parallel(int threads, int count, Task task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) count * t / threads);
                int to = (int) ((long) count * (t + 1) / threads);
                futures.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new BenchmarkFailed("setup failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("setup interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
