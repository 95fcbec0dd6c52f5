package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 1: a 3-node JetStream cluster loses its stream leader, repeatedly, while 8 clients send commands to 100
 * counters through the command runtime and a durable projection follows the stream.
 */
class ClusterFailoverTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverTest.class);

    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final String STORE = "failover";
    private static final int CLIENTS = 8;
    private static final int ENTITIES = 100;
    private static final int ROUNDS = Soak.pick(3, 12);
    private static final Duration LOAD = Duration.ofSeconds(Soak.pick(3, 20));
    private static final Duration DOWN = Duration.ofSeconds(Soak.pick(3, 10));

    @Test
    void acceptedCommandsAreStoredExactlyOnceWhileTheStreamLeaderIsKilledAndRestarted() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        CommandLedger ledger = new CommandLedger();
        AuditingProjection projection = new AuditingProjection("failover-audit");
        List<String> killed = new ArrayList<>();
        try (Connection app = cluster.connect();
                Connection readers = cluster.connect()) {
            NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                    .storeName(StoreName.of(STORE))
                    .replicas(3)
                    .requestTimeout(Duration.ofSeconds(2))
                    .build();
            NatsEventStore store = NatsEventStore.create(app, config);
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(app, config);
            assertThat(app.keyValueManagement()
                            .getStatus(config.snapshotBucket())
                            .getReplicas())
                    .isEqualTo(3);
            ProjectionRunner<Event> runner = NatsProjections.runner(
                            readers,
                            SubjectFilter.category(store.name(), Category.of("counter")),
                            BoundedCounter.CODEC,
                            m -> NatsRecordedEvents.fromMessage(store.name(), m),
                            projection)
                    .ackWait(Duration.ofSeconds(5))
                    .build();
            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).snapshots(snapshots).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                runner.start();
                CommandLoad load = new CommandLoad(counters, ledger, ENTITIES, Duration.ofSeconds(30), "failover");
                load.start(CLIENTS);
                for (int round = 1; round <= ROUNDS; round++) {
                    Thread.sleep(LOAD.toMillis());
                    String leader = StreamReplicas.awaitLeader(app, STORE, Duration.ofSeconds(30));
                    NatsServer node = cluster.node(leader);
                    LOG.info("round {}: stopping stream leader {}", round, leader);
                    node.stop();
                    killed.add(leader);
                    Thread.sleep(DOWN.toMillis());
                    node.start();
                    StreamReplicas.awaitAllCurrent(app, STORE, Duration.ofSeconds(60));
                    if (round == 1) {
                        // the projection's process restarts too: it must resume after its checkpoint
                        runner.stop();
                        runner.start();
                    }
                }
                Thread.sleep(LOAD.toMillis());
                load.stop();

                ScenarioVerdict.check(
                        "1. cluster failover (3 nodes, R3)",
                        ROUNDS + " stream-leader stops and restarts (" + String.join(", ", killed) + "), "
                                + CLIENTS + " clients, " + ENTITIES + " counters, snapshots in an R3 KV bucket,"
                                + " projection restarted once;",
                        readers,
                        STORE,
                        ledger,
                        counters,
                        ENTITIES,
                        projection,
                        runner);
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
                    assertThat(fromSnapshots).isEqualTo(ScenarioVerdict.replay(app, STORE, ENTITIES));
                }
            } finally {
                runner.stop();
            }
        }
    }

    private static Registration<Command, Counter, Event> registration() {
        return Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC)
                .withStateCodec(JsonStateCodec.of(Counter.class))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(10));
    }
}
