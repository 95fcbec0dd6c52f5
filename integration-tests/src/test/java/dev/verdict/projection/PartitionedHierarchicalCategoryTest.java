package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Partitions over a hierarchical category: the runner and {@link Partition#of} agree on every entity's partition. */
class PartitionedHierarchicalCategoryTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int PARTITIONS = 4;

    @Test
    void aPartitionedProjectionOverAHierarchicalCategoryAppliesEachEntityInThePartitionThatPartitionOfNames()
            throws Exception {
        Connection nc = NATS.connection();
        String store = "hierarchical";
        EventStreamFixture stream = new EventStreamFixture(nc, store);
        Category invoices = Category.of("billing.invoice");
        long last = 0;
        for (int i = 0; i < 40; i++) {
            last = stream.append(invoices.value(), new CounterEvent.Added("inv-" + i, 1));
        }
        RecordingPartitions projection = new RecordingPartitions();
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc, SubjectFilter.category(StoreName.of(store), invoices), new CounterCodec(), projection)
                .partitions(PARTITIONS)
                .build()) {
            runner.start();
            runner.caughtUp().get(30, TimeUnit.SECONDS);
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(10))).isTrue();
        }

        assertThat(projection.partitionOf).hasSize(40);
        projection.partitionOf.forEach((entity, partition) -> assertThat(partition)
                .as("partition that applied %s", entity)
                .isEqualTo(Partition.of(entity, PARTITIONS).index()));
        // the 40 entities spread over more than one partition, so a runner putting all into one would be seen
        assertThat(Set.copyOf(projection.partitionOf.values())).hasSizeGreaterThan(1);
    }

    /** Remembers which partition applied each entity; one in-memory checkpoint per partition. */
    private static final class RecordingPartitions implements Projection<CounterEvent> {
        final Map<EntityRef, Integer> partitionOf = new ConcurrentHashMap<>();
        final Map<Partition, Long> checkpoints = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "invoices";
        }

        @Override
        public OptionalLong checkpoint() {
            return checkpoint(Partition.WHOLE);
        }

        @Override
        public OptionalLong checkpoint(Partition partition) {
            Long c = checkpoints.get(partition);
            return c == null ? OptionalLong.empty() : OptionalLong.of(c);
        }

        @Override
        public void apply(DeliveredEvent<CounterEvent> event) {
            partitionOf.merge(event.recorded().entity(), event.partition().index(), (a, b) -> a.equals(b) ? a : -1);
            checkpoints.put(event.partition(), event.sequence());
        }

        @Override
        public void reset() {
            partitionOf.clear();
            checkpoints.clear();
        }
    }
}
