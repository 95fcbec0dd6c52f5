package dev.verdict.testing.store;

import dev.verdict.store.EntityRef;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SnapshotStore} in memory, for tests of snapshot policies and loading without NATS KV.
 *
 * <p>Guarantees, like the KV store: {@link #save} never replaces a snapshot with one of a lower version (an equal
 * version replaces it, e.g. after a state-shape change), and {@link #load} returns the latest snapshot or empty.
 * It counts loads and saves so a test can prove a snapshot was (or was not) used, and it can {@link #remove} a
 * snapshot to simulate a lost one. Thread-safe.
 *
 * <pre>{@code
 * InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
 * snapshots.save(rx, new Snapshot(120, codec.fingerprint(), codec.encode(state)));
 * snapshots.load(rx);         // Optional[Snapshot[version=120, ...]]
 * snapshots.saves();          // 1
 * }</pre>
 */
public final class InMemorySnapshotStore implements SnapshotStore {
    private final Map<EntityRef, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong saves = new AtomicLong();

    @Override
    public Optional<Snapshot> load(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        loads.incrementAndGet();
        return Optional.ofNullable(snapshots.get(entity)).map(InMemorySnapshotStore::copy);
    }

    @Override
    public void save(EntityRef entity, Snapshot snapshot) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(snapshot, "snapshot");
        saves.incrementAndGet();
        Snapshot own = copy(snapshot);
        snapshots.merge(entity, own, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    /** Forgets the entity's snapshot, as if it had never been saved or had expired. */
    public void remove(EntityRef entity) {
        snapshots.remove(Objects.requireNonNull(entity, "entity"));
    }

    /** How many times {@link #load} was called. */
    public long loads() {
        return loads.get();
    }

    /** How many times {@link #save} was called (including saves that kept a newer snapshot). */
    public long saves() {
        return saves.get();
    }

    /** Sets both counters to zero. */
    public void resetCounters() {
        loads.set(0);
        saves.set(0);
    }

    private static Snapshot copy(Snapshot s) {
        return new Snapshot(s.version(), s.fingerprint(), s.state().clone(), s.streamIdentity());
    }

    @Override
    public String toString() {
        return "InMemorySnapshotStore[" + snapshots.size() + " snapshots]";
    }
}
