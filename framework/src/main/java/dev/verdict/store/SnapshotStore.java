package dev.verdict.store;

import java.util.Optional;

/**
 * Where snapshots live (NATS KV in production, memory in tests). A snapshot is an optimisation, never the truth:
 * callers verify its fingerprint and version against the event store before trusting it, and a failed save never
 * fails a command.
 *
 * <pre>{@code
 * snapshots.save(rx, new Snapshot(version, codec.fingerprint(), codec.encode(state)));
 * Optional<Snapshot> s = snapshots.load(rx);
 * }</pre>
 */
public interface SnapshotStore {

    /**
     * The latest snapshot of the entity, or empty when there is none or it cannot be read (a corrupt value is
     * reported as empty and logged, never thrown).
     */
    Optional<Snapshot> load(EntityRef entity);

    /** Saves a snapshot, replacing an older one. Never replaces a newer version with an older one. */
    void save(EntityRef entity, Snapshot snapshot);
}
