package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.ShardedProjections;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.reliability.StoredMessages.Stored;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 1 on a sharded context: {@link ClusterFailoverTest}'s load (8 clients, 100 counters, the command runtime
 * with snapshots) on a {@link ShardedEventStore} of 4 R3 shard streams on a 3-node cluster, with a projection per
 * shard fed by {@link ShardedProjections}, while the shards' leaders change: a node leading a shard is SIGKILLed (no
 * leadership handed over) and started again, every shard's leader is asked to step down, and a node is SIGKILLed once
 * more. Then every acknowledged command is stored exactly once, on its entity's shard, and each shard's projection
 * equals a replay of its shard, nothing applied twice.
 */
class ShardedClusterFailoverTest {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedClusterFailoverTest.class);

    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final String STORE = "sfailover";
    private static final int SHARDS = 4;
    private static final int CLIENTS = 8;
    private static final int ENTITIES = 100;
    private static final Duration LOAD = Duration.ofSeconds(Soak.pick(1, 20));
    private static final Duration DOWN = Duration.ofSeconds(Soak.pick(2, 10));

    @Test
    void acceptedCommandsAreStoredOnceOnTheirShardWhileShardLeadersAreKilledAndSteppedDown() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        CommandLedger ledger = new CommandLedger();
        List<AuditingProjection> audits = IntStream.range(0, SHARDS)
                .mapToObj(k -> new AuditingProjection("sfailover-audit-" + k))
                .toList();
        List<String> faults = new ArrayList<>();
        try (Connection app = cluster.connect();
                Connection readers = cluster.connect()) {
            ShardedEventStore store = ShardedEventStore.builder(
                            app,
                            NatsEventStoreConfig.builder()
                                    .storeName(StoreName.of(STORE))
                                    .replicas(3)
                                    .requestTimeout(Duration.ofSeconds(2))
                                    .build())
                    .shards(SHARDS)
                    .build();
            List<String> streams = IntStream.range(0, SHARDS)
                    .mapToObj(k -> store.shard(k).name().value())
                    .toList();
            SnapshotStore snapshots = store.createSnapshotStore();
            ShardedProjections<Event> projections = ShardedProjections.build(
                    readers,
                    store,
                    shard -> SubjectFilter.category(shard, Category.of("counter")),
                    BoundedCounter.CODEC,
                    audits::get,
                    runner -> runner.ackWait(Duration.ofSeconds(5)));
            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).snapshots(snapshots).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                projections.start();
                CommandLoad load = new CommandLoad(counters, ledger, ENTITIES, Duration.ofSeconds(30), "sfailover");
                load.start(CLIENTS);

                Thread.sleep(LOAD.toMillis());
                faults.add(killAndRestartLeaderOf(cluster, app, streams, streams.get(0)));
                projections.stop(); // the projections' process restarts too: each resumes after its checkpoint
                projections.start();
                Thread.sleep(LOAD.toMillis());
                for (String stream : streams) {
                    String leader = StreamReplicas.awaitLeader(app, stream, Duration.ofSeconds(30));
                    app.request("$JS.API.STREAM.LEADER.STEPDOWN." + stream, new byte[0], Duration.ofSeconds(10));
                    faults.add(stream + " stepped down on " + leader);
                }
                Thread.sleep(LOAD.toMillis());
                faults.add(killAndRestartLeaderOf(cluster, app, streams, streams.get(SHARDS - 1)));
                Thread.sleep(LOAD.toMillis());
                load.stop();
                LOG.info("faults: {}", faults);

                List<ScenarioVerdict.Followed> followed = IntStream.range(0, SHARDS)
                        .mapToObj(k -> new ScenarioVerdict.Followed(
                                streams.get(k),
                                audits.get(k),
                                projections.runners().get(k)))
                        .toList();
                Map<String, Counter> replayed = ScenarioVerdict.check(
                        "1s. cluster failover, sharded (3 nodes, 4 shards R3)",
                        String.join("; ", faults) + "; " + CLIENTS + " clients, " + ENTITIES
                                + " counters, snapshots in R3 KV buckets per shard, projections restarted once;",
                        readers,
                        followed,
                        ledger,
                        counters,
                        ENTITIES);
                for (int k = 0; k < SHARDS; k++) {
                    for (Stored s : StoredMessages.readAll(readers, streams.get(k))) {
                        String id = s.subject().substring((streams.get(k) + ".counter.").length());
                        assertThat(store.shardOf(EntityRef.of("counter", id)))
                                .as(s + " is on the stream of its entity's shard")
                                .isEqualTo(k);
                    }
                }
                try (CommandRuntime fresh = CommandRuntime.builder(store)
                        .snapshots(snapshots)
                        .withoutCache()
                        .build()) {
                    EntityHandle<Command, Counter, Event> reloaded = fresh.register(registration());
                    Map<String, Counter> fromSnapshots = new HashMap<>();
                    for (int i = 0; i < ENTITIES; i++) {
                        String id = CommandLoad.entityId(i);
                        fromSnapshots.put(id, reloaded.load(id).state());
                    }
                    assertThat(fromSnapshots).isEqualTo(replayed);
                }
            } finally {
                projections.stop();
            }
        }
    }

    /** SIGKILLs the node leading {@code stream}, starts it again after {@link #DOWN}; waits for every shard. */
    private static String killAndRestartLeaderOf(
            NatsCluster cluster, Connection nc, List<String> streams, String stream) throws InterruptedException {
        String leader = StreamReplicas.awaitLeader(nc, stream, Duration.ofSeconds(30));
        long led = streams.stream()
                .filter(s -> leader.equals(leaderOrEmpty(nc, s)))
                .count();
        LocalNatsServer node = (LocalNatsServer) cluster.node(leader);
        LOG.info("SIGKILL {}, leader of {} and of {} shard(s) in all", leader, stream, led);
        node.kill();
        Thread.sleep(DOWN.toMillis());
        node.start();
        for (String s : streams) {
            StreamReplicas.awaitAllCurrent(nc, s, Duration.ofSeconds(60));
        }
        return leader + " (leading " + led + " shard(s)) SIGKILLed";
    }

    private static String leaderOrEmpty(Connection nc, String stream) {
        try {
            return StreamReplicas.awaitLeader(nc, stream, Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Registration<Command, Counter, Event> registration() {
        return Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC)
                .withStateCodec(JsonStateCodec.of(Counter.class))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(10));
    }
}
