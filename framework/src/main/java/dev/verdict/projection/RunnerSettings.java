package dev.verdict.projection;

import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventFeed;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.FeedSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/** What every partition worker of one runner shares: its configuration, fixed when the runner is built. */
record RunnerSettings<E>(
        EventFeeds feeds,
        SubjectFilter filter,
        EventCodec<E> codec,
        EventMessageReader reader,
        Projection<E> projection,
        boolean shared,
        int partitions,
        ApplyRetryPolicy retryPolicy,
        PoisonPolicy poisonPolicy,
        int batchSize,
        int applyBatchSize,
        Duration applyBatchLatency,
        Duration ackWait,
        Duration failoverAfter,
        Duration applyTimeout,
        Clock clock,
        Supplier<DeadLetters> deadLetters) {

    String name() {
        return projection.name();
    }

    /** The consumer of a partition: {@code verdict-<projection>} or {@code verdict-<projection>-<i>of<n>}. */
    String consumerName(Partition partition) {
        return "verdict-" + projection.name() + (partition.isWhole() ? "" : "-" + partition.suffix());
    }

    EventFeed feed(Partition partition) {
        FeedSpec spec = new FeedSpec(
                filter.store(),
                filter.subjects(),
                consumerName(partition),
                "Verdict projection " + projection.name() + (partition.isWhole() ? "" : ", " + partition),
                ackWait,
                failoverAfter,
                batchSize);
        return shared ? feeds.shared(spec) : feeds.perInstance(spec);
    }
}
