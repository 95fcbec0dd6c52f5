package dev.verdict.benchmarks;

import java.util.Arrays;

/**
 * Latencies of individual operations in nanoseconds, kept exactly (no histogram buckets): a run records at most a
 * few hundred thousand operations, so a sorted array is both cheap and precise. Not thread-safe: each worker thread
 * records into its own instance, merged after the run.
 *
 * <pre>{@code
 * LatencySamples samples = new LatencySamples();
 * samples.add(System.nanoTime() - start);
 * double p99Millis = samples.percentileMillis(99);
 * }</pre>
 */
final class LatencySamples {
    private long[] values = new long[256];
    private int size;
    private boolean sorted = true;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    void addAll(LatencySamples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int count() {
        return size;
    }

    /**
     * The nearest-rank percentile in milliseconds, or {@code NaN} when nothing was recorded.
     *
     * @param percentile between 0 (exclusive) and 100 (inclusive)
     */
    double percentileMillis(double percentile) {
        if (percentile <= 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
        }
        if (size == 0) {
            return Double.NaN;
        }
        sort();
        int rank = (int) Math.ceil(percentile / 100.0 * size);
        return values[Math.max(0, rank - 1)] / 1e6;
    }

    /** Like {@link #percentileMillis}, for callers that pool samples which may be empty. */
    double percentileOrNaN(double percentile) {
        return percentileMillis(percentile);
    }

    /** The median in milliseconds, {@code NaN} when empty. */
    double medianMillis() {
        return percentileMillis(50);
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }
}
