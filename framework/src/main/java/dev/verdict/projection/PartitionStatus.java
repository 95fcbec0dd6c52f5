package dev.verdict.projection;

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
 */
public record PartitionStatus(
        Partition partition,
        String consumer,
        boolean active,
        long position,
        boolean caughtUp,
        long applied,
        long gapsFilled) {}
