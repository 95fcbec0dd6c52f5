package dev.verdict.benchmarks.scale;

import java.util.Arrays;
import java.util.Locale;

/** Latencies of one kind of operation, in nanoseconds: percentiles by the nearest-rank method. */
final class Samples {
    private long[] nanos = new long[256];
    private int count;
    private int failures;
    private String firstFailure = "";

    void add(long n) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = n;
    }

    void fail(Throwable e) {
        if (failures++ == 0) {
            firstFailure = e.toString();
        }
    }

    /** The first failure's description, empty without failures. */
    String firstFailure() {
        return firstFailure;
    }

    int count() {
        return count;
    }

    int failures() {
        return failures;
    }

    /** The p-th percentile (0 < p <= 100) in milliseconds, NaN without samples. */
    double millis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }

    /** "p50 / p99 ms". */
    String p50p99() {
        return String.format(Locale.ROOT, "%.2f / %.2f", millis(50), millis(99));
    }
}
