package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.DecisionAcrossShards;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreContract;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.ShardPlacement;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventStoreContract} on a store sharded over 4 streams, and what sharding adds: routing by placement, decisions
 * across shards refused with nothing stored, a layout fixed at creation. Run on one server and on R3 streams of a
 * 3-node cluster by the subclasses.
 */
abstract class ShardedEventStoreBehaviour extends EventStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    static final int SHARDS = 4;
    static final EntityRef ASPIRIN = EntityRef.of("inventory", "aspirin");
    /** Prescriptions are placed with the stock of aspirin: decided together, stored on one shard. */
    static final ShardPlacement RX_WITH_STOCK =
            ShardPlacement.named("rx-with-stock").placing("prescription", rx -> ASPIRIN);

    sealed interface Event permits Ordered, Dispensed, Deducted {}

    record Ordered(String drug, int quantity) implements Event {}

    record Dispensed(int quantity) implements Event {}

    record Deducted(int quantity) implements Event {}

    static final JsonEventCodec<Event> CODEC = JsonEventCodec.of(Event.class);

    abstract Connection connect() throws Exception;

    abstract int replicas();

    private final List<Connection> connections = new ArrayList<>();
    NatsEventStoreConfig config;
    ShardedEventStore store;

    @BeforeEach
    void newStore() throws Exception {
        config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("sharded" + STORES.incrementAndGet() + "r" + replicas()))
                .replicas(replicas())
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        store = open(SHARDS, RX_WITH_STOCK);
    }

    @AfterEach
    void close() throws Exception {
        for (Connection c : connections) {
            c.close();
        }
    }

    @Override
    protected EventStore store() {
        return store;
    }

    /** Every shard's stream: the contract's replay reads them one after another. */
    @Override
    protected List<ReplaySource> replaySources() {
        List<ReplaySource> sources = new ArrayList<>();
        for (int k = 0; k < store.shardCount(); k++) {
            StoreName shard = store.shard(k).name();
            sources.add(new ReplaySource(shard, new NatsEventFeeds(connections.get(0), shard, shard.value())));
        }
        return sources;
    }

    @Override
    protected int tooLargePayloadBytes() {
        return (int) connections.get(0).getMaxPayload();
    }

    /** One order per shard. */
    @Override
    protected List<EntityRef> onEveryPart(String name) {
        List<EntityRef> entities = new ArrayList<>();
        for (int k = 0; k < SHARDS; k++) {
            for (int i = 0; ; i++) {
                EntityRef candidate = EntityRef.of("order", name + "-" + i);
                if (store.shardOf(candidate) == k) {
                    entities.add(candidate);
                    break;
                }
            }
        }
        return entities;
    }

    /** A prescription and the stock it is placed with ({@link #RX_WITH_STOCK}): one shard. */
    @Override
    protected List<EntityRef> decidedTogether() {
        return List.of(EntityRef.of("prescription", "rx-1"), ASPIRIN);
    }

    ShardedEventStore open(int shards, ShardPlacement placement) throws Exception {
        Connection nc = connect();
        connections.add(nc);
        return ShardedEventStore.builder(nc, config)
                .shards(shards)
                .placement(placement)
                .build();
    }

    long messagesIn(String stream) throws Exception {
        return connections
                .get(0)
                .jetStreamManagement()
                .getStreamInfo(stream)
                .getStreamState()
                .getMsgCount();
    }

    long messagesInAllShards() throws Exception {
        long sum = 0;
        for (int k = 0; k < SHARDS; k++) {
            sum += messagesIn(config.storeName().value() + "-" + k);
        }
        return sum;
    }

    static EncodedEvent dispensed(int quantity) {
        return CODEC.encode(new Dispensed(quantity));
    }

    @Test
    void everyEntityIsStoredOnTheStreamOfItsShardAndReadBackThroughTheStore() throws Exception {
        Set<Integer> used = new HashSet<>();
        long[] expected = new long[SHARDS];
        for (int i = 0; i < 24; i++) {
            EntityRef order = EntityRef.of("order", "o-" + i);
            int shard = store.shardOf(order);
            assertThat(shard).isEqualTo(ShardPlacement.bucket("order", "o-" + i, SHARDS));
            used.add(shard);
            expected[shard] += 2;
            AppendResult first = store.append(order, 0, List.of(dispensed(i)), CommandContext.create());
            store.append(order, first.version(), List.of(dispensed(i + 100)), CommandContext.create());
        }
        assertThat(used).as("24 entities spread over the shards").hasSizeGreaterThan(1);
        for (int k = 0; k < SHARDS; k++) {
            assertThat(messagesIn(config.storeName().value() + "-" + k))
                    .as("shard " + k)
                    .isEqualTo(expected[k]);
        }
        EntityRef o7 = EntityRef.of("order", "o-7");
        List<RecordedEvent> events = store.readAll(o7, ReadRange.all());
        assertThat(events)
                .extracting(e -> EventDecoding.decode(store.name(), e, CODEC))
                .containsExactly(new Dispensed(7), new Dispensed(107));
        assertThat(store.version(o7)).isEqualTo(events.get(1).sequence());
        assertThat(store.versionAsync(o7).get(5, TimeUnit.SECONDS))
                .isEqualTo(events.get(1).sequence());
        assertThat(store.shard(store.shardOf(o7)).version(o7)).isEqualTo(store.version(o7));
        assertThat(store.readAll(o7, ReadRange.after(events.get(0).sequence()))).hasSize(1);
    }

    @Test
    void aDecisionOverEntitiesPlacedTogetherIsOneAtomicAppendOnTheirShard() throws Exception {
        EntityRef rx = EntityRef.of("prescription", "rx-1");
        assertThat(store.shardOf(rx)).isEqualTo(store.shardOf(ASPIRIN));
        List<EntityVersion> guards = List.of(new EntityVersion(rx, 0), new EntityVersion(ASPIRIN, 0));
        List<EntityEvent> events =
                List.of(new EntityEvent(rx, dispensed(2)), new EntityEvent(ASPIRIN, CODEC.encode(new Deducted(2))));
        AppendAcrossResult result = store.appendAcross(guards, events, CommandContext.withCommandId("d1"));
        assertThat(result.duplicate()).isFalse();
        assertThat(messagesIn(config.storeName().value() + "-" + store.shardOf(rx)))
                .isEqualTo(2);
        assertThat(messagesInAllShards()).isEqualTo(2);
    }

    @Test
    void aDecisionAcrossShardsIsRefusedNamingTheEntitiesAndNothingIsStored() throws Exception {
        EntityRef rx = EntityRef.of("prescription", "rx-1");
        EntityRef other = otherShardThan(store.shardOf(rx));
        List<EntityVersion> guards = List.of(new EntityVersion(rx, 0), new EntityVersion(other, 0));
        List<EntityEvent> events = List.of(new EntityEvent(rx, dispensed(1)), new EntityEvent(other, dispensed(1)));

        assertThatThrownBy(() -> store.appendAcross(guards, events, CommandContext.create()))
                .isInstanceOfSatisfying(DecisionAcrossShards.class, refused -> {
                    assertThat(refused.shards())
                            .containsEntry(rx, store.shardOf(rx))
                            .containsEntry(other, store.shardOf(other));
                    assertThat(refused.getMessage()).contains("prescription/rx-1", other.toString());
                });
        assertThatThrownBy(() -> store.appendAcrossAsync(
                                guards, events, CommandContext.create(), ForkJoinPool.commonPool())
                        .get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DecisionAcrossShards.class);
        // a guard alone (read, not written) on another shard is refused as well
        assertThatThrownBy(() ->
                        store.appendAcross(guards, List.of(new EntityEvent(rx, dispensed(1))), CommandContext.create()))
                .isInstanceOf(DecisionAcrossShards.class);
        assertThat(messagesInAllShards()).isZero();
    }

    private EntityRef otherShardThan(int shard) {
        for (int i = 0; ; i++) {
            EntityRef candidate = EntityRef.of("order", "o-" + i);
            if (store.shardOf(candidate) != shard) {
                return candidate;
            }
        }
    }

    @Test
    void openingWithAnotherShardCountOrPlacementIsRefusedNamingWhatDiffers() throws Exception {
        assertThatThrownBy(() -> open(8, RX_WITH_STOCK))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("verdict.shards=4 but this store expects 8");
        assertThatThrownBy(() -> open(2, RX_WITH_STOCK))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("verdict.shards=4 but this store expects 2");
        assertThatThrownBy(() -> open(SHARDS, ShardPlacement.byEntity()))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("verdict.placement=rx-with-stock but this store expects entity");
        assertThat(open(SHARDS, RX_WITH_STOCK).shardCount())
                .as("the same layout opens")
                .isEqualTo(SHARDS);
    }

    @Test
    void aPlainStreamOfTheStoresNameOrAMissingShardIsRefused() throws Exception {
        NatsEventStore.create(connections.get(0), config); // the store created unsharded as well
        assertThatThrownBy(() -> open(SHARDS, RX_WITH_STOCK))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("a plain stream '" + config.storeName() + "' exists");
        JetStreamManagement jsm = connections.get(0).jetStreamManagement();
        jsm.deleteStream(config.storeName().value());
        jsm.deleteStream(config.storeName().value() + "-2");
        assertThatThrownBy(() -> open(SHARDS, RX_WITH_STOCK))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("misses the shard streams [" + config.storeName() + "-2]");
    }

    @Test
    void everyShardStreamRecordsTheLayout() throws Exception {
        JetStreamManagement jsm = connections.get(0).jetStreamManagement();
        for (int k = 0; k < SHARDS; k++) {
            var metadata = jsm.getStreamInfo(config.storeName().value() + "-" + k)
                    .getConfiguration()
                    .getMetadata();
            assertThat(metadata)
                    .containsEntry("verdict.shards", "4")
                    .containsEntry("verdict.shard", Integer.toString(k))
                    .containsEntry("verdict.placement", "rx-with-stock");
        }
        ShardStreams.Layout tagged = new ShardStreams.Layout("s", 3, "entity", k -> List.of("az-" + k));
        assertThat(ShardStreams.desired(ShardedEventStore.shardConfig(config, 1), tagged, 1)
                        .getPlacement()
                        .getTags())
                .containsExactly("az-1");
    }

    @Test
    void snapshotsAndTheCommandIndexLiveInTheBucketsOfTheEntitysShard() throws Exception {
        SnapshotStore snapshots = store.createSnapshotStore();
        CommandIndex index = store.createCommandIndex();
        EntityRef order = EntityRef.of("order", "o-3");
        int shard = store.shardOf(order);
        AppendResult r = store.append(order, 0, List.of(dispensed(1)), CommandContext.withCommandId("c-3"));
        snapshots.save(
                order, new Snapshot(r.version(), "f1", "{}".getBytes(StandardCharsets.UTF_8), store.streamIdentity()));
        assertThat(snapshots.load(order))
                .hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(r.version()));
        assertThat(NatsSnapshotStore.create(
                                connections.get(0), store.shard(shard).config())
                        .load(order))
                .isPresent();
        assertThat(NatsSnapshotStore.create(
                                connections.get(0),
                                store.shard((shard + 1) % SHARDS).config())
                        .load(order))
                .isEmpty();
        assertThat(store.shard(shard).config().snapshotBucket())
                .isEqualTo(config.storeName() + "-" + shard + "-snapshots");

        index.record(new CommandRecord.Appended("c-3", order, store.streamIdentity(), r.version(), r.version()));
        Optional<CommandRecord> found = Optional.empty();
        for (int i = 0; i < 50 && found.isEmpty(); i++) { // the record is written asynchronously
            found = index.find("c-3").get(5, TimeUnit.SECONDS);
            Thread.sleep(found.isEmpty() ? 20 : 0);
        }
        assertThat(found).hasValueSatisfying(rec -> assertThat(rec.entity()).isEqualTo(order));
        assertThat(NatsCommandIndex.create(
                                connections.get(0), store.shard(shard).config())
                        .find("c-3")
                        .get(5, TimeUnit.SECONDS))
                .isPresent();
        assertThat(index.find("never-sent").get(5, TimeUnit.SECONDS)).isEmpty();
    }
}
