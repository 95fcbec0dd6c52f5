package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.runtime.multi.Dispensary.Dispense;
import dev.verdict.runtime.multi.Dispensary.Prescribe;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.DecisionAcrossShards;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import dev.verdict.store.ShardPlacement;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.store.nats.ShardedEventStore;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
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

    @Test
    void theRuntimesSnapshotsAndCommandIndexLiveInTheBucketsOfEachEntitysShard() throws Exception {
        Connection nc = connect();
        try {
            ShardedEventStore store = (ShardedEventStore) openStore(nc, config);
            Registration<Dispensary.StockCommand, Dispensary.Stock, Dispensary.StockEvent> stock = Registration.of(
                            "inventory", Dispensary.STOCK, Dispensary.STOCK_EVENTS)
                    .withStateCodec(JsonStateCodec.of(Dispensary.Stock.class))
                    .withSnapshotPolicy(SnapshotPolicy.everyEvents(2));
            List<String> drugs = List.of("d-0", "d-1", "d-2", "d-3", "d-4", "d-5", "d-6", "d-7");
            try (CommandRuntime runtime = CommandRuntime.builder(store)
                    .snapshots(store.createSnapshotStore())
                    .commandIndex(store.createCommandIndex())
                    .build()) {
                EntityHandle<Dispensary.StockCommand, Dispensary.Stock, Dispensary.StockEvent> inventory =
                        runtime.register(stock);
                for (String drug : drugs) {
                    inventory.handle(drug, new Receive(1), CommandContext.withCommandId("first-" + drug));
                    inventory.handle(drug, new Receive(2));
                }
            }
            java.util.Set<Integer> shardsUsed = new java.util.HashSet<>();
            for (String drug : drugs) {
                EntityRef ref = EntityRef.of("inventory", drug);
                int shard = store.shardOf(ref);
                shardsUsed.add(shard);
                NatsSnapshotStore own =
                        NatsSnapshotStore.create(nc, store.shard(shard).config());
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (own.load(ref).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(own.load(ref))
                        .as("snapshot of " + drug + " in shard " + shard + "'s bucket")
                        .isPresent();
                NatsSnapshotStore other = NatsSnapshotStore.create(
                        nc, store.shard((shard + 1) % SHARDS).config());
                assertThat(other.load(ref)).isEmpty();
                NatsCommandIndex index =
                        NatsCommandIndex.create(nc, store.shard(shard).config());
                while (index.find("first-" + drug).get().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(index.find("first-" + drug).get())
                        .as("command of " + drug + " in shard " + shard + "'s index")
                        .isPresent();
            }
            assertThat(shardsUsed).hasSizeGreaterThan(1);
            // a new runtime (no memory of the commands) answers a re-sent command from the shard's command index
            try (CommandRuntime later = CommandRuntime.builder(store)
                    .snapshots(store.createSnapshotStore())
                    .commandIndex(store.createCommandIndex())
                    .build()) {
                EntityHandle<Dispensary.StockCommand, Dispensary.Stock, Dispensary.StockEvent> inventory =
                        later.register(stock);
                for (String drug : drugs) {
                    long version = store.version(EntityRef.of("inventory", drug));
                    Outcome<Dispensary.Stock, Dispensary.StockEvent> again =
                            inventory.handle(drug, new Receive(1), CommandContext.withCommandId("first-" + drug));
                    assertThat(again)
                            .isInstanceOfSatisfying(
                                    Outcome.Accepted.class,
                                    a -> assertThat(a.duplicate()).isTrue());
                    assertThat(store.version(EntityRef.of("inventory", drug))).isEqualTo(version);
                    assertThat(inventory.load(drug).state().onHand()).isEqualTo(3);
                }
            }
        } finally {
            nc.close();
        }
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
