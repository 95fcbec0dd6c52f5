package dev.verdict.routing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The port {@link CommandRouting} needs from the messaging system: which partitions this instance owns now, a way to
 * answer the requests other instances forward to the owner of a partition, and a way to forward one. On NATS it is
 * {@code dev.verdict.nats.NatsPartitionOwnership} (a pinned consumer per partition, a request/reply subject per
 * partition).
 *
 * <p>Ownership is a belief, not a lock: two instances may both believe they own a partition for a moment (a take-over
 * while the old owner still runs), and a partition may have no owner for up to {@link #takeOverBound()} after its owner
 * died. Nothing correct may rest on it – commands stay guarded by the store's optimistic concurrency.
 */
public interface PartitionOwnership extends AutoCloseable {

    /** How many partitions the entities are split into ({@code dev.verdict.projection.Partition.of}). */
    int partitions();

    /** Whether this instance believes it owns the partition now. */
    boolean owns(int partition);

    /**
     * Starts taking part: competes for the partitions and answers requests forwarded to the partitions it owns with
     * {@code handler} (partition, request → reply). Called once.
     */
    void start(BiFunction<Integer, byte[], CompletableFuture<byte[]>> handler);

    /**
     * Forwards a request to the partition's owner: its reply, or empty when no owner answered within {@code timeout}
     * (none, or one that died meanwhile). Never completes exceptionally.
     */
    CompletableFuture<Optional<byte[]>> forward(int partition, byte[] request, Duration timeout);

    /** Within how long after an owner died (or left) another instance owns its partitions. */
    Duration takeOverBound();

    /** Leaves: the partitions this instance owns are handed over at once. */
    @Override
    void close();
}
