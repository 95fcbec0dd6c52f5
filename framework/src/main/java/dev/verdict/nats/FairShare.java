package dev.verdict.nats;

import java.util.Collection;

/**
 * How many partitions an instance may own when {@code live} instances share {@code partitions}: at most {@code
 * ceil(partitions / live)}, and an instance at that bound gives one away only while another owns fewer than {@code
 * floor(partitions / live)}. So ownership settles with every instance owning the floor or the ceiling – 5 or 6 of 16
 * among 3 – and, once there, nothing moves: no rule applies to a settled distribution.
 */
final class FairShare {
    private FairShare() {}

    /** The most partitions one of {@code live} instances should own. */
    static int ceiling(int partitions, int live) {
        return (partitions + live - 1) / live;
    }

    /** Whether an instance owning {@code owned} should stop competing for further partitions. */
    static boolean saturated(int owned, int partitions, int live) {
        return owned >= ceiling(partitions, live);
    }

    /**
     * Whether an instance owning {@code owned} should hand one partition over, given what the other live instances
     * own: it owns more than the ceiling while another is below it, or the ceiling while another is below the floor.
     */
    static boolean shouldHandOver(int owned, int partitions, Collection<Integer> othersOwned) {
        int live = othersOwned.size() + 1;
        int ceiling = ceiling(partitions, live);
        int floor = partitions / live;
        if (owned > ceiling) {
            return othersOwned.stream().anyMatch(o -> o < ceiling);
        }
        return owned == ceiling && ceiling > floor && othersOwned.stream().anyMatch(o -> o < floor);
    }
}
