package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.RetryPolicy;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-routed commands on a 3-node cluster, everything R3 (the tallies' stream, the {@code verdict-owners} lease
 * stream and its consumers): three instances, each with its own connection to the cluster, send commands to 8 tallies
 * spread over 4 partitions while the lease stream loses its leader – asked to step down, or its node SIGKILLed. Each
 * client re-sends a command with its id while the outcome is unknown, as a service would. Checked in the streams:
 * every command answered and stored once, every tally counted 1, 2, 3… without a gap or a repeat, and every partition
 * owned again within {@code takeOverBound()} + {@link #MARGIN}.
 */
class OwnerRoutedCommandsOnClusterTest {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerRoutedCommandsOnClusterTest.class);

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final int PARTITIONS = 4;
    private static final int TALLIES = 8;
    private static final int NO_LIMIT = Integer.MAX_VALUE;
    /** Beyond {@code takeOverBound()}: an election of the lease stream's and its consumers' leaders, a reconnect. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private static final JsonEventCodec<Tally.Event> EVENTS = JsonEventCodec.of(Tally.Event.class);

    private final List<Instance> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() throws Exception {
        for (Instance i : instances) {
            i.close();
        }
    }

    @Test
    void whenTheLeaseStreamsLeaderStepsDownCommandsGoOnAndEachIsStoredOnce() throws Exception {
        runUnderLoad("rstep", nc -> {
            String leader = StreamReplicas.awaitLeader(nc, NatsPartitionOwnership.STREAM, Duration.ofSeconds(30));
            nc.request(
                    "$JS.API.STREAM.LEADER.STEPDOWN." + NatsPartitionOwnership.STREAM,
                    new byte[0],
                    Duration.ofSeconds(10));
            return () -> LOG.info("{} stepped down on {}", NatsPartitionOwnership.STREAM, leader);
        });
    }

    @Test
    void whenTheNodeLeadingTheLeaseStreamIsKilledCommandsGoOnAndEachIsStoredOnce() throws Exception {
        runUnderLoad("rkill", nc -> {
            String leader = StreamReplicas.awaitLeader(nc, NatsPartitionOwnership.STREAM, Duration.ofSeconds(30));
            LocalNatsServer node = (LocalNatsServer) CLUSTER.cluster().node(leader);
            node.kill();
            LOG.info("SIGKILL {}, leader of {}", leader, NatsPartitionOwnership.STREAM);
            return node::start; // started again once ownership recovered
        });
    }

    /** What a scenario does to the cluster; returns what to do once ownership recovered. */
    private interface Fault {
        Runnable inflict(Connection nc) throws Exception;
    }

    private void runUnderLoad(String store, Fault fault) throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        for (int i = 0; i < 3; i++) {
            instances.add(new Instance(cluster, store));
        }
        Duration bound = instances.get(0).routing.ownership().takeOverBound();
        waitUntil(Duration.ofSeconds(30), this::everyPartitionOwned, "every partition owned at start");
        RoutedClients load = new RoutedClients(
                instances.stream().map(i -> i.tallies).toList(),
                2,
                () -> tally(ThreadLocalRandom.current().nextInt(TALLIES)));
        load.start();
        Thread.sleep(1000);
        int answeredBefore = load.answered();

        Runnable after;
        long faultAt = System.nanoTime();
        try (Connection nc = cluster.connect()) {
            after = fault.inflict(nc);
        }
        long longestUnowned = 0;
        long recoveredAt = 0;
        int answeredAfterFault;
        try {
            long unownedSince = 0;
            while (System.nanoTime() - faultAt < bound.plus(MARGIN).toNanos()) {
                long now = System.nanoTime();
                if (everyPartitionOwned()) {
                    recoveredAt = now;
                    longestUnowned = Math.max(longestUnowned, unownedSince == 0 ? 0 : now - unownedSince);
                    unownedSince = 0;
                    if (now - faultAt > bound.toNanos()) {
                        break; // owned, and the fault has had the time to take ownership away
                    }
                } else {
                    recoveredAt = 0;
                    unownedSince = unownedSince == 0 ? now : unownedSince;
                }
                Thread.sleep(50);
            }
            answeredAfterFault = load.answered();
            Thread.sleep(1000); // load on the recovered ownership
        } finally {
            after.run(); // a node killed is started again even when the scenario failed: the next one needs it
        }
        load.stop();

        LOG.info(
                "{}: {} commands answered ({} since the fault), {} re-sent after an unknown outcome; longest time"
                        + " with a partition unowned {} ms; owners {}; counts {}",
                store,
                load.answered(),
                load.answered() - answeredBefore,
                load.resends.get(),
                longestUnowned / 1_000_000,
                owners(),
                instances.stream().map(i -> i.routing.counts()).toList());
        assertThat(recoveredAt)
                .as("every partition owned again within takeOverBound() " + bound + " + " + MARGIN + ": " + owners())
                .isPositive();
        assertThat(load.failures).as("commands whose outcome stayed unknown").isEmpty();
        assertThat(answeredAfterFault).as("commands answered during the fault").isGreaterThan(answeredBefore);
        assertThat(load.answered()).isGreaterThan(answeredAfterFault);
        assertThat(load.answers.values())
                .allSatisfy(o -> assertThat(o.isAccepted()).isTrue());
        List<String> storedIds = new ArrayList<>();
        for (int t = 0; t < TALLIES; t++) {
            List<RecordedEvent> stored =
                    instances.get(0).store.readAll(EntityRef.of("tally", tally(t)), ReadRange.all());
            storedIds.addAll(stored.stream().map(RecordedEvent::commandId).toList());
            assertThat(stored.stream().map(e -> ((Tally.Counted) EVENTS.decode(e.event())).number()))
                    .as("tally " + tally(t) + " counted without a gap or a repeat")
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, stored.size()).boxed().toList());
        }
        assertThat(storedIds).doesNotHaveDuplicates();
        assertThat(storedIds).containsExactlyInAnyOrderElementsOf(load.answers.keySet());
    }

    private boolean everyPartitionOwned() {
        return IntStream.range(0, PARTITIONS).allMatch(p -> instances.stream().anyMatch(i -> i.owns(p)));
    }

    private List<List<Integer>> owners() {
        return instances.stream()
                .map(i -> IntStream.range(0, PARTITIONS).filter(i::owns).boxed().toList())
                .toList();
    }

    private static String tally(int t) {
        return "t-" + t;
    }

    /**
     * A service instance: as {@link RoutedInstance}, but connected to every node of the cluster (no proxy – the fault
     * here is a node's), its tallies' stream and the lease stream R3.
     */
    private static final class Instance implements AutoCloseable {
        final Connection connection;
        final NatsEventStore store;
        final CommandRuntime runtime;
        final CommandRouting routing;
        final RoutedEntity<Tally.Command, Tally, Tally.Event> tallies;

        Instance(NatsCluster cluster, String storeName) throws Exception {
            this.connection = cluster.connect();
            this.store = NatsEventStore.create(
                    connection,
                    NatsEventStoreConfig.builder()
                            .storeName(StoreName.of(storeName))
                            .replicas(3)
                            .requestTimeout(Duration.ofSeconds(2))
                            .build());
            this.runtime = CommandRuntime.builder(store)
                    .retryPolicy(RetryPolicy.defaults().withMaxAttempts(50))
                    .build();
            this.routing = CommandRouting.start(
                    NatsPartitionOwnership.builder(connection, storeName)
                            .partitions(PARTITIONS)
                            .failoverAfter(RoutedInstance.FAILOVER)
                            .replicas(3)
                            .build(),
                    Duration.ofSeconds(1));
            this.tallies = routing.route(runtime.register(Tally.REGISTRATION), Tally.COMMANDS);
        }

        boolean owns(int partition) {
            return routing.ownership().owns(partition);
        }

        @Override
        public void close() throws Exception {
            routing.close();
            runtime.close();
            connection.close();
        }
    }

    private static void waitUntil(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
