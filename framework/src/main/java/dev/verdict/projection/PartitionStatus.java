package dev.verdict.projection;

import java.util.Objects;
import java.util.Optional;

/**
 * One partition of a running projection as this instance sees it.
 *
 * <pre>{@code
 * runner.status().partitions().stream().filter(PartitionStatus::active).forEach(p -> log.info("{} runs here", p));
 * }</pre>
 *
 * @param partition which partition ({@link Partition#WHOLE} for an unpartitioned projection)
 * @param consumer the consumer's name
 * @param active whether this instance is the one the server delivers this partition's events to
 * @param position the last stream sequence processed for it – by this instance or, while another is active, as
 *     acknowledged on the shared consumer
 * @param caughtUp whether it had processed every matching event when it last checked
 * @param applied events applied by this instance since the runner started
 * @param gapsFilled times this instance read events from the stream that its consumer had not delivered to it
 * @param waiting why this instance is retrying right now – the projection's storage or the server cannot answer (the
 *     last cause, e.g. a {@code ProjectionUnavailable} with its SQLState) – empty as soon as it makes progress again
 */
public record PartitionStatus(
        Partition partition,
        String consumer,
        boolean active,
        long position,
        boolean caughtUp,
        long applied,
        long gapsFilled,
        Optional<String> waiting) {
    public PartitionStatus {
        Objects.requireNonNull(waiting, "waiting");
    }

    /** A partition that is not waiting for anything. */
    public PartitionStatus(
            Partition partition,
            String consumer,
            boolean active,
            long position,
            boolean caughtUp,
            long applied,
            long gapsFilled) {
        this(partition, consumer, active, position, caughtUp, applied, gapsFilled, Optional.empty());
    }
}
