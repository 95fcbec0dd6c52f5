package dev.verdict.runtime;

import dev.verdict.store.EntityRef;
import dev.verdict.store.ShardPlacement;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RuntimeContract} on three runtimes over a store sharded over 4 streams (one server), each instance opening the
 * store itself; the counters a decision spans ({@code together-<n>-a/b}) are placed on one shard.
 */
class RuntimeContractShardedTest extends RuntimeContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    /** {@code together-<n>-a} and {@code together-<n>-b} placed with {@code pair/<n>}; other counters by themselves. */
    static final ShardPlacement PAIRS_TOGETHER = ShardPlacement.named("pairs-together")
            .placing("counter", c -> {
                String id = c.id().value();
                return id.startsWith("together-") ? EntityRef.of("pair", id.substring(0, id.lastIndexOf('-'))) : c;
            });

    private static final List<Connection> CONNECTIONS = new ArrayList<>();
    private static ThreeRuntimes instances;

    @BeforeAll
    static void start() throws Exception {
        NatsEventStoreConfig config = NatsEventStoreConfig.of("runtime-sharded");
        List<ShardedEventStore> stores = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CONNECTIONS.add(NATS.server().connect());
            stores.add(ShardedEventStore.builder(CONNECTIONS.get(i), config)
                    .shards(4)
                    .placement(PAIRS_TOGETHER)
                    .build());
        }
        instances = new ThreeRuntimes(stores::get, i -> stores.get(i).createSnapshotStore());
    }

    @AfterAll
    static void stop() throws Exception {
        instances.close();
        for (Connection c : CONNECTIONS) {
            c.close();
        }
    }

    /** One counter per shard. */
    @Override
    List<String> onEveryPart(String prefix) {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            for (int i = 0; ; i++) {
                if (PAIRS_TOGETHER.shardOf(EntityRef.of("counter", prefix + "-" + i), 4) == k) {
                    ids.add(prefix + "-" + i);
                    break;
                }
            }
        }
        return ids;
    }

    @Override
    Instances instances() {
        return instances;
    }
}
