package dev.verdict.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One repeat of one variant: how many operations completed in how long, each operation's latency, and counters the
 * scenario wants to report (conflicts, retries, events read, bytes).
 */
record Trial(long operations, long elapsedNanos, LatencySamples latencies, Map<String, Double> counters) {

    Trial {
        counters = new LinkedHashMap<>(counters);
    }

    /** Operations per second. */
    double throughput() {
        return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
    }

    Trial withCounter(String name, double value) {
        Map<String, Double> c = new LinkedHashMap<>(counters);
        c.put(name, value);
        return new Trial(operations, elapsedNanos, latencies, c);
    }
}
