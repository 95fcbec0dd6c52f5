package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.runtime.multi.Dispensary.Dispense;
import dev.verdict.runtime.multi.Dispensary.Prescribe;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.DecisionAcrossShards;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import dev.verdict.store.ShardPlacement;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import io.nats.client.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link MultiEntityDecisionsBehaviour} – several instances, conflicts, command index – on a store sharded over 4
 * streams, prescriptions placed with the stock of aspirin (decided together, so on one shard); plus a decision whose
 * entities are placed on different shards, refused through the runtime with nothing stored.
 */
abstract class ShardedMultiEntityDecisionsBehaviour extends MultiEntityDecisionsBehaviour {
    static final int SHARDS = 4;
    static final ShardPlacement RX_WITH_STOCK =
            ShardPlacement.named("rx-with-stock").placing("prescription", rx -> ASPIRIN);

    private ShardPlacement placement = RX_WITH_STOCK;

    @Override
    EventStore openStore(Connection nc, NatsEventStoreConfig config) {
        return ShardedEventStore.builder(nc, config)
                .shards(SHARDS)
                .placement(placement)
                .build();
    }

    @Override
    CommandIndex openCommandIndex(Connection nc, NatsEventStoreConfig config, EventStore store) {
        return ((ShardedEventStore) store).createCommandIndex();
    }

    @Test
    void aDecisionOverEntitiesOnTwoShardsIsRefusedThroughTheRuntimeAndStoresNothing() throws Exception {
        config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of(config.storeName() + "apart"))
                .replicas(replicas())
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        placement = ShardPlacement.byEntity();
        Instance a = new Instance(true);
        String rx = apartFromAspirin(placement);
        a.prescriptions.handle(rx, new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        long rxVersion = a.store.version(EntityRef.of("prescription", rx));
        long stockVersion = a.store.version(ASPIRIN);

        assertThatThrownBy(() -> a.dispenses.handle(new Dispense(rx, "aspirin", 1)))
                .satisfies(e -> assertThat(causes(e))
                        .as("DecisionAcrossShards, possibly wrapped")
                        .anySatisfy(c -> assertThat(c)
                                .isInstanceOf(DecisionAcrossShards.class)
                                .hasMessageContaining("prescription/" + rx)
                                .hasMessageContaining("inventory/aspirin")));

        assertThat(a.store.version(EntityRef.of("prescription", rx))).isEqualTo(rxVersion);
        assertThat(a.store.version(ASPIRIN)).isEqualTo(stockVersion);
    }

    private static String apartFromAspirin(ShardPlacement placement) {
        for (int i = 0; ; i++) {
            if (placement.shardOf(EntityRef.of("prescription", "rx-" + i), SHARDS)
                    != placement.shardOf(ASPIRIN, SHARDS)) {
                return "rx-" + i;
            }
        }
    }

    private static java.util.List<Throwable> causes(Throwable e) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
