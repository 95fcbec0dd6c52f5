package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three instances of a service, each connected to another node of a 3-node cluster, run one projection of an R3
 * stream while events are appended; the stream's leader is stopped and the active instance killed abruptly. The read
 * model ends exactly like a clean replay.
 */
class SeveralRunnersOnClusterTest {
    static {
        // a restarted node restores its streams before it opens its client port: give it time
        io.nats.NatsServerRunner.setDefaultValidateTries(200);
        io.nats.NatsServerRunner.setDefaultSubsequentValidateDelay(100);
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final Logger LOG = LoggerFactory.getLogger(SeveralRunnersOnClusterTest.class);
    private static final String STORE = "clustered";

    @Test
    void losingTheStreamLeaderAndTheActiveInstanceLosesNoEventAndAppliesNoneTwice() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        SubjectFilter filter = SubjectFilter.category(StoreName.of(STORE), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database("clustered");
        CounterReadModel.createTables(db);
        List<ProjectionInstance> instances = new ArrayList<>();
        List<CounterEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean writing = new AtomicBoolean(true);
        try (Connection admin = cluster.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, STORE, 3);
            for (int i = 0; i < 3; i++) {
                // node i first, the others to fail over to (each through the instance's own proxies)
                List<String> urls = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    urls.add(cluster.nodes().get((i + n) % 3).url());
                }
                instances.add(new ProjectionInstance("n" + i, String.join(",", urls), filter, db));
            }
            instances.forEach(ProjectionInstance::start);

            Random random = new Random(3);
            Thread writer = new Thread(() -> {
                int n = 0;
                try {
                    while (writing.get() || n < 1_500) {
                        CounterEvent e =
                                JdbcProjectionContract.counterEvents(1, random).get(0);
                        long seq = stream.appendPatiently(e, "e-" + n, Duration.ofSeconds(60));
                        events.add(e);
                        sequences.add(seq);
                        n++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("writer failed after " + events.size() + " events", e);
                }
            });
            writer.start();

            ProjectionInstance first = SeveralRunnersTest.awaitActive(instances, null);
            SeveralRunnersTest.awaitApplied(first, 100);
            String leader = StreamReplicas.awaitLeader(admin, STORE, Duration.ofSeconds(30));
            NatsServer leaderNode = cluster.node(leader);
            LOG.info("stopping stream leader {} and killing the active instance {}", leader, first.name);
            leaderNode.stop();
            first.kill();
            ProjectionInstance second = SeveralRunnersTest.awaitActive(instances, first);
            SeveralRunnersTest.awaitApplied(second, 100);
            leaderNode.start();
            Thread.sleep(2_000);
            writing.set(false);
            writer.join(120_000);
            assertThat(writer.isAlive()).as("writer finished").isFalse();

            List<Long> stored = new ArrayList<>(sequences);
            long last = stored.stream().mapToLong(Long::longValue).max().orElseThrow();
            ProjectionInstance active = SeveralRunnersTest.awaitActive(instances, first);
            assertThat(active.runner.awaitPosition(last, Duration.ofSeconds(90)))
                    .as("caught up to %d: %s", last, active.runner.status())
                    .isTrue();
            assertThat(CounterReadModel.snapshot(db))
                    .as("%d events; every one applied exactly once", events.size())
                    .isEqualTo(CounterReadModel.expected(new ArrayList<>(events), stored));
        } finally {
            writing.set(false);
            instances.forEach(ProjectionInstance::stop);
        }
    }
}
