package dev.verdict.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the variants of one case as interleaved A/B repeats in the same process against the same server: every
 * variant warms up first, then round {@code i} runs repeat {@code i} of every variant back to back, rotating which
 * goes first, so slow drift of a shared machine (other processes, disk, JIT) hits all variants alike and a ratio
 * can be taken pair by pair.
 *
 * <pre>{@code
 * Map<String, List<Trial>> r = Pairs.run(settings, Map.of("verdict", verdictTrial, "raw", rawTrial));
 * }</pre>
 */
final class Pairs {
    private Pairs() {}

    static Map<String, List<Trial>> run(int warmups, int repeats, Map<String, Supplier<Trial>> variants) {
        List<Map.Entry<String, Supplier<Trial>>> order = new ArrayList<>(variants.entrySet());
        for (int w = 0; w < warmups; w++) {
            for (Map.Entry<String, Supplier<Trial>> v : order) {
                v.getValue().get();
            }
        }
        Map<String, List<Trial>> results = new LinkedHashMap<>();
        order.forEach(v -> results.put(v.getKey(), new ArrayList<>()));
        for (int round = 0; round < repeats; round++) {
            for (int k = 0; k < order.size(); k++) {
                Map.Entry<String, Supplier<Trial>> v = order.get((k + round) % order.size());
                results.get(v.getKey()).add(v.getValue().get());
            }
        }
        return results;
    }

    static Map<String, List<Trial>> run(Settings settings, Map<String, Supplier<Trial>> variants) {
        return run(settings.warmups(), settings.repeats(), variants);
    }

    /** Keeps insertion order, for readable call sites. */
    static Map<String, Supplier<Trial>> variants() {
        return new LinkedHashMap<>();
    }
}
