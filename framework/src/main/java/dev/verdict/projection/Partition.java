package dev.verdict.projection;

import dev.verdict.store.EntityRef;
import dev.verdict.store.EventSubject;
import dev.verdict.store.ShardPlacement;

/**
 * One of the {@code count} parts into which a partitioned projection splits its events by entity. Every entity belongs
 * to exactly one partition, always the same one for a given count: the partition of {@code <store>.<category>.<id>} is
 * FNV-1a (32 bit) of the category and id tokens, concatenated, modulo {@code count} – for a one-token category the
 * function NATS uses for {@code {{partition(count,2,3)}}} in a subject transform, so a partition can be recomputed by
 * any client. A hierarchical category is hashed as one value, its dots included.
 *
 * <pre>{@code
 * Partition p = Partition.of(EntityRef.of("prescription", "rx-42"), 4);   // e.g. Partition[index=1, count=4]
 * Partition.WHOLE.contains(anyEntity);                                      // true: an unpartitioned projection
 * }</pre>
 *
 * @param index this partition, {@code 0 <= index < count}
 * @param count the number of partitions
 */
public record Partition(int index, int count) {
    /** The single partition of an unpartitioned projection: holds every entity. */
    public static final Partition WHOLE = new Partition(0, 1);

    /** The largest number of partitions a projection may have. */
    public static final int MAX_COUNT = 64;

    public Partition {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("a partition count must be 1.." + MAX_COUNT + ", was " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("partition index must be 0.." + (count - 1) + ", was " + index);
        }
    }

    /** The partition of the entity among {@code count} partitions. */
    public static Partition of(EntityRef entity, int count) {
        return of(entity.category().value(), entity.id().value(), count);
    }

    /**
     * The partition of the entity whose events are on {@code subject} ({@link EventSubject}), or partition 0 when the
     * subject is not an event subject: exactly one partition owns such a message (and dead-letters it).
     */
    static Partition ofSubject(String subject, int count) {
        return EventSubject.parse(subject).map(s -> of(s.entity(), count)).orElseGet(() -> new Partition(0, count));
    }

    private static Partition of(String category, String id, int count) {
        return new Partition(ShardPlacement.bucket(category, id, count), count);
    }

    /** Whether the entity belongs to this partition. */
    public boolean contains(EntityRef entity) {
        return count == 1 || of(entity, count).index == index;
    }

    /** Whether this is the single partition of an unpartitioned projection. */
    public boolean isWhole() {
        return count == 1;
    }

    /** A name part for consumers and checkpoint keys: empty for {@link #WHOLE}, else {@code "<index>of<count>"}. */
    public String suffix() {
        return count == 1 ? "" : index + "of" + count;
    }

    @Override
    public String toString() {
        return count == 1 ? "whole" : "partition " + index + " of " + count;
    }
}
