package dev.verdict.store.nats;

import dev.verdict.store.EntityRef;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import java.util.List;
import java.util.Optional;

/** The snapshots of a {@link ShardedEventStore}: each entity's in the bucket of its shard. */
final class ShardedSnapshotStore implements SnapshotStore {
    private final ShardedEventStore store;
    private final List<NatsSnapshotStore> shards;

    ShardedSnapshotStore(ShardedEventStore store, List<NatsSnapshotStore> shards) {
        this.store = store;
        this.shards = List.copyOf(shards);
    }

    @Override
    public Optional<Snapshot> load(EntityRef entity) {
        return shards.get(store.shardOf(entity)).load(entity);
    }

    @Override
    public void save(EntityRef entity, Snapshot snapshot) {
        shards.get(store.shardOf(entity)).save(entity, snapshot);
    }

    @Override
    public String toString() {
        return "snapshots of " + store;
    }
}
