package dev.verdict.projection;

import java.util.HashSet;
import java.util.Set;

/**
 * This instance's share of a partitioned projection: which of its workers hold a partition, and whether another may
 * take one. Claims are atomic, so two workers that become active at the same moment cannot both exceed the share.
 */
final class PartitionShare {
    private final int max;
    private final Set<Partition> held = new HashSet<>();

    PartitionShare(int max) {
        this.max = max;
    }

    /** Takes a place for the partition; false when the share is full (a place already held is kept). */
    synchronized boolean claim(Partition partition) {
        if (held.contains(partition) || held.size() < max) {
            held.add(partition);
            return true;
        }
        return false;
    }

    /** Takes a place beyond the share: nobody else serves the partition. */
    synchronized void force(Partition partition) {
        held.add(partition);
    }

    synchronized void release(Partition partition) {
        held.remove(partition);
    }

    /** Whether the partition could be claimed now. */
    synchronized boolean hasRoomFor(Partition partition) {
        return held.contains(partition) || held.size() < max;
    }
}
