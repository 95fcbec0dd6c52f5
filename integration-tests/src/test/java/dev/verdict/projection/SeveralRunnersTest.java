package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances of a service, each on its own NATS connection, all running the same projection: one is active,
 * the others stand by; killing the active one abruptly hands the work over within seconds, and the read model ends
 * exactly like a clean replay – every event applied once, none skipped.
 */
class SeveralRunnersTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Logger LOG = LoggerFactory.getLogger(SeveralRunnersTest.class);
    private static final AtomicInteger STORES = new AtomicInteger();
    private static final Duration FAILOVER = ProjectionInstance.FAILOVER;

    @Test
    void threeInstancesOneKilledAbruptlyApplyEveryEventExactlyOnceAndFailOver() throws Exception {
        NatsServer server = NATS.server();
        String store = "several" + STORES.incrementAndGet();
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = database("several");
        CounterReadModel.createTables(db);
        Random random = new Random(42);
        List<ProjectionInstance> instances = new ArrayList<>();
        try (Connection admin = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, store);
            List<CounterEvent> events = new ArrayList<>(JdbcProjectionContract.counterEvents(3_000, random));
            List<Long> sequences = new ArrayList<>(stream.append(events));
            for (int i = 0; i < 3; i++) {
                instances.add(new ProjectionInstance("i" + i, server.url(), filter, db));
            }
            instances.forEach(ProjectionInstance::start);

            ProjectionInstance first = awaitActive(instances, null);
            assertThat(instances.stream().filter(ProjectionInstance::active))
                    .as("one active instance")
                    .hasSize(1);
            awaitApplied(first, 200);

            // the active instance dies mid-stream: no stop(), its connection cut
            long killedAt = System.nanoTime();
            first.kill();
            List<CounterEvent> more = JdbcProjectionContract.counterEvents(3_000, random);
            events.addAll(more);
            sequences.addAll(stream.append(more));
            ProjectionInstance second = awaitActive(instances, first);
            Duration takeOver = Duration.ofNanos(System.nanoTime() - killedAt);
            LOG.info(
                    "take-over after an abrupt kill: {} ms (failoverAfter {} s)",
                    takeOver.toMillis(),
                    FAILOVER.toSeconds());
            long last = sequences.get(sequences.size() - 1);
            assertThat(second.runner.awaitPosition(last, Duration.ofSeconds(60)))
                    .isTrue();
            assertThat(CounterReadModel.snapshot(db)).isEqualTo(CounterReadModel.expected(events, sequences));

            // the killed instance comes back as a standby; the active one stops gracefully and hands over at once
            ProjectionInstance restarted = new ProjectionInstance("i0-restarted", server.url(), filter, db);
            instances.add(restarted);
            restarted.start();
            long stoppedAt = System.nanoTime();
            second.stop();
            List<CounterEvent> third = JdbcProjectionContract.counterEvents(1_000, random);
            events.addAll(third);
            sequences.addAll(stream.append(third));
            ProjectionInstance next = awaitActive(instances, second);
            LOG.info(
                    "hand-over after a graceful stop: {} ms",
                    Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
            last = sequences.get(sequences.size() - 1);
            assertThat(next.runner.awaitPosition(last, Duration.ofSeconds(60))).isTrue();

            assertThat(CounterReadModel.snapshot(db))
                    .as("every event applied exactly once, in order per counter")
                    .isEqualTo(CounterReadModel.expected(events, sequences));
            long applied = instances.stream()
                    .mapToLong(i -> i.runner.status().applied())
                    .sum();
            assertThat(applied).as("applied effects across instances").isGreaterThanOrEqualTo(events.size());
        } finally {
            instances.forEach(ProjectionInstance::stop);
        }
    }

    @Test
    void aPartitionedProjectionOnTwoInstancesHasEachPartitionOnOneInstanceAndEndsLikeASingleRunner() throws Exception {
        NatsServer server = NATS.server();
        String store = "partitioned" + STORES.incrementAndGet();
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = database("partitioned");
        CounterReadModel.createTables(db);
        List<ProjectionInstance> instances = new ArrayList<>();
        try (Connection admin = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, store);
            List<CounterEvent> events = JdbcProjectionContract.counterEvents(100_000, new Random(5));
            List<Long> sequences = stream.append(events);
            long last = sequences.get(sequences.size() - 1);
            for (int i = 0; i < 2; i++) {
                instances.add(new ProjectionInstance("p" + i, server.url(), filter, db, 2));
            }
            long start = System.nanoTime();
            instances.forEach(ProjectionInstance::start);
            Map<Integer, List<String>> activeSeen = new TreeMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!instances.stream().allMatch(i -> i.positionsAtLeast(last))) {
                for (ProjectionInstance instance : instances) {
                    for (PartitionStatus p : instance.runner.status().partitions()) {
                        if (p.active()) {
                            List<String> seen =
                                    activeSeen.computeIfAbsent(p.partition().index(), k -> new ArrayList<>());
                            if (!seen.contains(instance.name)) {
                                seen.add(instance.name);
                            }
                        }
                    }
                }
                assertThat(System.nanoTime()).as("caught up in time").isLessThan(deadline);
                Thread.sleep(50);
            }
            LOG.info(
                    "100,000 events in 2 partitions on 2 instances: {} ms; active instances per partition: {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    activeSeen);

            // each partition's events were applied by exactly one instance
            for (int partition = 0; partition < 2; partition++) {
                int p = partition;
                long appliers = instances.stream()
                        .filter(i -> i.runner.status().partitions().get(p).applied() > 0)
                        .count();
                assertThat(appliers)
                        .as("instances that applied partition %d", p)
                        .isEqualTo(1);
                assertThat(activeSeen.get(p))
                        .as("instances seen active on partition %d", p)
                        .hasSize(1);
            }
            assertThat(instances.stream()
                            .mapToLong(i -> i.runner.status().applied())
                            .sum())
                    .isEqualTo(100_000);
            assertThat(CounterReadModel.snapshot(db)).isEqualTo(CounterReadModel.expected(events, sequences));
        } finally {
            instances.forEach(ProjectionInstance::stop);
        }
    }

    static ProjectionInstance awaitActive(List<ProjectionInstance> instances, ProjectionInstance not)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (ProjectionInstance i : instances) {
                if (i != not && i.active()) {
                    return i;
                }
            }
            assertThat(System.nanoTime()).as("an instance becomes active").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static void awaitApplied(ProjectionInstance instance, long events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (instance.runner.status().applied() < events) {
            assertThat(System.nanoTime()).as("%s applies events", instance.name).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    static DataSource database(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + System.nanoTime() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        return ds;
    }
}
