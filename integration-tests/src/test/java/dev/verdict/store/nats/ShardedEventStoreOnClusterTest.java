package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ShardedEventStoreBehaviour} on R3 shard streams of a 3-node cluster, and the loss of a shard's leader. */
class ShardedEventStoreOnClusterTest extends ShardedEventStoreBehaviour {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedEventStoreOnClusterTest.class);

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Override
    Connection connect() throws Exception {
        return CLUSTER.cluster().connect();
    }

    @Override
    int replicas() {
        return 3;
    }

    /**
     * The node leading shard 0's stream is stopped: every shard – those it led after their new leader is elected –
     * accepts appends (each re-sent with its command id while the outcome is unknown), and each is stored once.
     */
    @Test
    void whenTheLeaderOfAShardStopsEveryShardStaysWritableAndNothingIsStoredTwice() throws Exception {
        Connection nc = connect();
        try {
            String shard0 = config.storeName() + "-0";
            NatsServer leader = CLUSTER.cluster().node(StreamReplicas.awaitLeader(nc, shard0, Duration.ofSeconds(30)));
            List<EntityRef> entities = twoPerShard();
            leader.stop();
            long stoppedAt = System.nanoTime();
            try {
                long[] firstStoredMs = new long[SHARDS];
                for (EntityRef entity : entities) {
                    long ms = appendUntilStored(entity, "c-" + entity.id().value(), stoppedAt);
                    int shard = store.shardOf(entity);
                    firstStoredMs[shard] = firstStoredMs[shard] == 0 ? ms : firstStoredMs[shard];
                }
                LOG.info("leader of {} stopped: first append stored per shard after {} ms", shard0, firstStoredMs);
            } finally {
                leader.start();
                for (int k = 0; k < SHARDS; k++) {
                    StreamReplicas.awaitAllCurrent(nc, config.storeName() + "-" + k, Duration.ofSeconds(60));
                }
            }
            for (EntityRef entity : entities) {
                List<RecordedEvent> events = store.readAll(entity, ReadRange.all());
                assertThat(events).as(entity.toString()).hasSize(1);
                assertThat(events.get(0).commandId())
                        .isEqualTo("c-" + entity.id().value());
            }
        } finally {
            nc.close();
        }
    }

    private List<EntityRef> twoPerShard() {
        int[] found = new int[SHARDS];
        List<EntityRef> entities = new ArrayList<>();
        for (int i = 0; entities.size() < 2 * SHARDS; i++) {
            EntityRef candidate = EntityRef.of("order", "o-" + i);
            if (found[store.shardOf(candidate)]++ < 2) {
                entities.add(candidate);
            }
        }
        return entities;
    }

    /** Appends one event, re-sending it with the same command id while the outcome is unknown; ms since the stop. */
    private long appendUntilStored(EntityRef entity, String commandId, long since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                store.append(entity, 0, List.of(dispensed(1)), CommandContext.withCommandId(commandId));
                return (System.nanoTime() - since) / 1_000_000;
            } catch (EventStoreUnavailable e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
