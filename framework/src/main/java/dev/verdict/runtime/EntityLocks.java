package dev.verdict.runtime;

import dev.verdict.store.EntityRef;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes commands per entity inside one JVM, so threads of one process never race each other into a concurrency
 * conflict: they queue instead. Striped: a fixed array of locks indexed by the entity's hash, so memory stays bounded
 * whatever the number of entities; two entities sharing a stripe merely wait for each other briefly.
 */
final class EntityLocks {
    private final ReentrantLock[] stripes;
    private final int mask;

    EntityLocks(int stripes) {
        int size = Integer.highestOneBit(Math.max(1, stripes - 1)) << 1;
        this.stripes = new ReentrantLock[size];
        for (int i = 0; i < size; i++) {
            this.stripes[i] = new ReentrantLock();
        }
        this.mask = size - 1;
    }

    ReentrantLock lockFor(EntityRef entity) {
        return stripes[stripeOf(entity)];
    }

    /**
     * The locks of several entities, each once, in stripe order: taking them in this order everywhere means two
     * commands over overlapping entities never wait for each other in a cycle.
     */
    java.util.List<ReentrantLock> locksFor(java.util.Collection<EntityRef> entities) {
        java.util.TreeSet<Integer> indices = new java.util.TreeSet<>();
        for (EntityRef entity : entities) {
            indices.add(stripeOf(entity));
        }
        java.util.List<ReentrantLock> locks = new java.util.ArrayList<>(indices.size());
        for (int index : indices) {
            locks.add(stripes[index]);
        }
        return locks;
    }

    private int stripeOf(EntityRef entity) {
        int h = entity.hashCode();
        h ^= (h >>> 16);
        return (h * 0x9E3779B9) >>> 16 & mask;
    }
}
