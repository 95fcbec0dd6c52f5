package dev.verdict.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Sizes and durations of a run. {@link #full()} is what docs/benchmarks.md reports (under 10 minutes on 2 cores);
 * {@link #quick()} checks that every scenario works end to end in about a minute, with numbers too small to quote.
 *
 * @param warmups unmeasured repeats of each variant before the measured ones
 * @param repeats measured repeats of each variant (the spread is min/median/max over these)
 * @param window how long one timed repeat of a throughput scenario runs
 * @param loadsPerRepeat loads of one entity per repeat below 1,000 events of history
 * @param longLoadsPerRepeat loads per repeat from 1,000 events
 * @param longestLoadsPerRepeat loads per repeat from 10,000 events
 */
record Settings(
        String name,
        int warmups,
        int repeats,
        Duration window,
        int entities,
        List<Integer> concurrency,
        List<Integer> historyLengths,
        int loadsPerRepeat,
        int longLoadsPerRepeat,
        int longestLoadsPerRepeat,
        int decisionsPerRepeat,
        List<Integer> contentionWriters,
        int projectionEvents,
        int projectionRepeats,
        int cachedEntities,
        int replayEvents,
        int replayBaselineEvents,
        boolean jmh) {

    static Settings full() {
        return new Settings(
                "full",
                1,
                5,
                Duration.ofMillis(1200),
                1000,
                List.of(1, 8, 64),
                List.of(10, 100, 1000, 10_000),
                40,
                6,
                3,
                150,
                List.of(8, 32),
                100_000,
                3,
                10_000,
                100_000,
                10_000,
                true);
    }

    static Settings quick() {
        return new Settings(
                "quick",
                1,
                2,
                Duration.ofMillis(300),
                100,
                List.of(1, 8),
                List.of(10, 100, 1000),
                5,
                2,
                1,
                20,
                List.of(8),
                5_000,
                2,
                1_000,
                5_000,
                1_000,
                false);
    }
}
