package dev.verdict.store.nats;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.DecisionAcrossShards;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.ShardPlacement;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreName;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A store sharded over N streams: shard {@code k} (0 ≤ k &lt; N) of store {@code pharmacy} is an ordinary {@link
 * NatsEventStore} named {@code pharmacy-<k>} – stream {@code pharmacy-<k>}, subjects {@code
 * pharmacy-<k>.<category>.<id>}, snapshot bucket {@code pharmacy-<k>-snapshots}, command index {@code
 * pharmacy-<k>-commands} – and every entity lives on the one shard its {@link ShardPlacement placement} gives it. Use
 * it where one stream is not enough (see docs/scaling.md, "A context sharded over streams"); unsharded stores keep
 * their layout.
 *
 * <p>Guarantees (beyond {@link EventStore}'s, which hold per entity exactly as on {@link NatsEventStore}):
 *
 * <ul>
 *   <li>every call about one entity (append, read, version, their asynchronous forms) goes to the entity's shard;
 *       versions are sequences of that shard's stream;
 *   <li>{@link #appendAcross} over entities of one shard is that shard's atomic append; over entities of several
 *       shards it throws {@link DecisionAcrossShards}, naming the entities and their shards, before anything is
 *       published;
 *   <li>the shard count and placement are fixed when the store is created: every shard stream records them in its
 *       metadata ({@code verdict.shards}, {@code verdict.shard}, {@code verdict.placement}), and opening the store
 *       with another count or placement, beside a plain stream of the store's name, or with a shard stream missing,
 *       is refused with {@code StoreMisconfigured}. So a writer with a stale shard map cannot open the store, and never
 *       writes to the wrong stream;
 *   <li>{@link #streamIdentity()} changes when any shard stream is recreated (states derived before are discarded).
 * </ul>
 *
 * <p>Thread-safe, like {@link NatsEventStore}. The connection is yours; the store does not close it.
 *
 * <pre>{@code
 * ShardedEventStore store = ShardedEventStore.builder(connection, NatsEventStoreConfig.of("pharmacy"))
 *         .shards(4)
 *         .placement(ShardPlacement.named("rx-with-stock")
 *                 .placing("prescription", rx -> EntityRef.of("inventory", drugOf(rx.id()))))
 *         .placementTags(shard -> List.of("shard-" + shard % 3)) // spread over tagged cluster nodes
 *         .build();
 * CommandRuntime runtime = CommandRuntime.builder(store)
 *         .snapshots(store.createSnapshotStore())
 *         .commandIndex(store.createCommandIndex())
 *         .build();
 * }</pre>
 */
public final class ShardedEventStore implements EventStore {
    /** Most shards a store may have (the projections' partition limit, so a shard can be consumed as one). */
    public static final int MAX_SHARDS = 64;

    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final ShardPlacement placement;
    private final List<NatsEventStore> shards;

    private ShardedEventStore(
            Connection connection, NatsEventStoreConfig config, ShardPlacement placement, List<NatsEventStore> shards) {
        this.connection = connection;
        this.config = config;
        this.placement = placement;
        this.shards = List.copyOf(shards);
    }

    /**
     * Starts configuring a sharded store; {@code config} describes the store as a whole (its name is the prefix of
     * the shard streams; replicas, duplicate window, timeouts and provisioning apply to every shard).
     */
    public static Builder builder(Connection connection, NatsEventStoreConfig config) {
        return new Builder(connection, config);
    }

    /**
     * The configuration of shard {@code shard}: {@code config} with the store name {@code <store>-<shard>} and the
     * buckets named after it ({@code <store>-<shard>-snapshots}, {@code <store>-<shard>-commands}; a bucket name
     * set explicitly gets {@code -<shard>} appended).
     */
    public static NatsEventStoreConfig shardConfig(NatsEventStoreConfig config, int shard) {
        String store = config.storeName().value();
        String name = store + "-" + shard;
        return NatsEventStoreConfig.builder()
                .from(config)
                .storeName(StoreName.of(name))
                .snapshotBucket(bucketOf(config.snapshotBucket(), store + "-snapshots", name + "-snapshots", shard))
                .commandBucket(bucketOf(config.commandBucket(), store + "-commands", name + "-commands", shard))
                .build();
    }

    private static String bucketOf(String configured, String byDefault, String shardDefault, int shard) {
        return configured.equals(byDefault) ? shardDefault : configured + "-" + shard;
    }

    /** The store's name: the prefix of its shard streams ({@code pharmacy} for {@code pharmacy-0} ...). */
    @Override
    public StoreName name() {
        return config.storeName();
    }

    /** The configuration of the store as a whole, as given to the builder. */
    public NatsEventStoreConfig config() {
        return config;
    }

    /** The placement of entities over the shards. */
    public ShardPlacement placement() {
        return placement;
    }

    /** How many shards the store has. */
    public int shardCount() {
        return shards.size();
    }

    /** The shard of an entity, {@code 0 .. shardCount() - 1}. */
    public int shardOf(EntityRef entity) {
        return placement.shardOf(entity, shards.size());
    }

    /** The store of one shard (for tools and tests; writing around the placement breaks it). */
    public NatsEventStore shard(int shard) {
        return shards.get(shard);
    }

    /**
     * A snapshot store per shard behind one {@link SnapshotStore}: an entity's snapshot lives in its shard's bucket.
     * Creates the buckets that are missing (unless provisioning is off).
     */
    public SnapshotStore createSnapshotStore() {
        List<NatsSnapshotStore> stores = new ArrayList<>();
        for (NatsEventStore shard : shards) {
            stores.add(NatsSnapshotStore.create(connection, shard.config()));
        }
        return new ShardedSnapshotStore(this, stores);
    }

    /**
     * A command index per shard behind one {@link CommandIndex}: an outcome is recorded in its entity's shard's
     * bucket; a command id is looked up in every shard's bucket at once (the id does not tell the entity), so a
     * lookup costs one request per shard, in parallel. Creates the buckets that are missing (unless provisioning is
     * off).
     */
    public CommandIndex createCommandIndex() {
        List<NatsCommandIndex> indexes = new ArrayList<>();
        for (NatsEventStore shard : shards) {
            indexes.add(NatsCommandIndex.create(connection, shard.config()));
        }
        return new ShardedCommandIndex(this, indexes);
    }

    private NatsEventStore of(EntityRef entity) {
        return shards.get(shardOf(entity));
    }

    @Override
    public AppendResult append(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        return of(entity).append(entity, expectedVersion, events, context);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(
            EntityRef entity,
            long expectedVersion,
            List<EncodedEvent> events,
            CommandContext context,
            Executor blocking) {
        return of(entity).appendAsync(entity, expectedVersion, events, context, blocking);
    }

    /**
     * The atomic append of the entities' shard when all of them are on one shard.
     *
     * @throws DecisionAcrossShards when the entities (guarded or written) are on several shards; nothing was stored
     */
    @Override
    public AppendAcrossResult appendAcross(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        return shards.get(oneShardOf(guards, events)).appendAcross(guards, events, context);
    }

    /** {@link #appendAcross} without waiting; a decision across shards fails the future, nothing published. */
    @Override
    public CompletableFuture<AppendAcrossResult> appendAcrossAsync(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        int shard;
        try {
            shard = oneShardOf(guards, events);
        } catch (DecisionAcrossShards e) {
            return CompletableFuture.failedFuture(e);
        }
        return shards.get(shard).appendAcrossAsync(guards, events, context, blocking);
    }

    private int oneShardOf(List<EntityVersion> guards, List<EntityEvent> events) {
        Objects.requireNonNull(guards, "guards");
        Objects.requireNonNull(events, "events");
        Map<EntityRef, Integer> placed = new LinkedHashMap<>();
        guards.forEach(g -> placed.computeIfAbsent(g.entity(), this::shardOf));
        events.forEach(e -> placed.computeIfAbsent(e.entity(), this::shardOf));
        if (placed.isEmpty()) {
            throw new IllegalArgumentException("an append across entities needs at least one guard");
        }
        if (placed.values().stream().distinct().count() > 1) {
            throw new DecisionAcrossShards(name(), placed);
        }
        return placed.values().iterator().next();
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        return of(entity).read(entity, range, sink);
    }

    @Override
    public long version(EntityRef entity) {
        return of(entity).version(entity);
    }

    @Override
    public CompletableFuture<Long> versionAsync(EntityRef entity) {
        return of(entity).versionAsync(entity);
    }

    /**
     * The identities of all shard streams, in shard order ({@code 0=<created>,1=<created>,...}): it changes when any
     * shard stream is recreated, so states derived before – of any shard, conservatively – are discarded.
     */
    @Override
    public String streamIdentity() {
        StringBuilder identity = new StringBuilder();
        for (int k = 0; k < shards.size(); k++) {
            if (k > 0) {
                identity.append(',');
            }
            identity.append(k).append('=').append(shards.get(k).streamIdentity());
        }
        return identity.toString();
    }

    @Override
    public String toString() {
        return "ShardedEventStore{" + name() + ", " + shards.size() + " shards, " + placement + "}";
    }

    /**
     * The builder of a {@link ShardedEventStore}. Not thread-safe; use it where it is made. The shard count is
     * required.
     */
    public static final class Builder {
        private final Connection connection;
        private final NatsEventStoreConfig config;
        private int shards;
        private ShardPlacement placement = ShardPlacement.byEntity();
        private IntFunction<List<String>> tags = shard -> List.of();

        private Builder(Connection connection, NatsEventStoreConfig config) {
            this.connection = Objects.requireNonNull(connection, "connection");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** How many shards (1 .. {@value #MAX_SHARDS}); fixed when the store is created. Required. */
        public Builder shards(int shards) {
            if (shards < 1 || shards > MAX_SHARDS) {
                throw new IllegalArgumentException("a store has 1.." + MAX_SHARDS + " shards, was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Where entities go; {@link ShardPlacement#byEntity()} by default. Fixed when the store is created. */
        public Builder placement(ShardPlacement placement) {
            this.placement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /**
         * The placement tags of each shard's stream when it is created (nats-server places the stream on servers
         * having all the tags), so shards can be spread over cluster nodes. Used only when a shard stream is
         * created; none by default. Move an existing shard by editing its stream's placement.
         */
        public Builder placementTags(IntFunction<List<String>> tagsOfShard) {
            this.tags = Objects.requireNonNull(tagsOfShard, "tagsOfShard");
            return this;
        }

        /**
         * Provisions (or verifies) the shard streams and returns the store.
         *
         * @throws IllegalStateException when no shard count was given
         * @throws dev.verdict.store.StoreMisconfigured when the streams record another shard count or placement, a
         *     plain stream of the store's name exists, a shard stream is missing from a store created whole, or a
         *     shard stream's settings differ (as {@link NatsEventStore#create})
         * @throws dev.verdict.store.EventStoreUnavailable when the server cannot be reached
         */
        public ShardedEventStore build() {
            if (shards == 0) {
                throw new IllegalStateException("a sharded store needs its shard count (Builder.shards)");
            }
            List<NatsEventStoreConfig> configs = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                configs.add(shardConfig(config, k));
            }
            ShardStreams.Layout layout = new ShardStreams.Layout(
                    config.storeName().value(), shards, placement.name(), k -> List.copyOf(tags.apply(k)));
            ShardStreams.ensure(connection, config.provision(), configs, layout);
            List<NatsEventStore> stores = configs.stream()
                    .map(c -> NatsEventStore.create(connection, c))
                    .collect(Collectors.toList());
            return new ShardedEventStore(connection, config, placement, stores);
        }
    }
}
