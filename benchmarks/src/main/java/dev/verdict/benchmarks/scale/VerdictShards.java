package dev.verdict.benchmarks.scale;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.Snapshot;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Verdict's side of the scale benchmark: one plain {@link NatsEventStore} per shard, named as the shard's stream
 * (exactly the sharded layout), and on demand a snapshot store and a cache-less runtime with snapshots per shard.
 */
final class VerdictShards implements AutoCloseable {
    private final ScaleLayout layout;
    private final Connection connection;
    private final List<NatsEventStore> stores = new ArrayList<>();
    private final List<NatsSnapshotStore> snapshots = new ArrayList<>();
    private final List<CommandRuntime> runtimes = new ArrayList<>();
    private final List<EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent>> handles = new ArrayList<>();

    /** Creates (provisions) the shards' stores with {@code replicas} replicas. */
    VerdictShards(ScaleLayout layout, Connection connection, int replicas, Duration requestTimeout) {
        this.layout = layout;
        this.connection = connection;
        for (int k = 0; k < layout.shards; k++) {
            stores.add(NatsEventStore.create(
                    connection,
                    NatsEventStoreConfig.builder()
                            .storeName(StoreName.of(layout.stream(k)))
                            .replicas(replicas)
                            .snapshotReplicas(replicas)
                            .requestTimeout(requestTimeout)
                            .build()));
        }
    }

    NatsEventStore store(int shard) {
        return stores.get(shard);
    }

    /** Verdict's guarded append of one event: {@code NatsEventStore.append} with the expected version. */
    long append(EntityRef entity, long expectedVersion) {
        AppendResult r = stores.get(layout.shardOf(entity))
                .append(entity, expectedVersion, List.of(layout.ordered), CommandContext.create());
        return r.version();
    }

    /** Creates the snapshot stores and the cache-less runtimes that load from snapshots (once). */
    void openSnapshots() {
        if (!snapshots.isEmpty()) {
            return;
        }
        for (NatsEventStore store : stores) {
            NatsSnapshotStore s = NatsSnapshotStore.create(connection, store.config());
            snapshots.add(s);
            CommandRuntime r =
                    CommandRuntime.builder(store).withoutCache().snapshots(s).build();
            runtimes.add(r);
            handles.add(r.register(Registration.of(ScaleLayout.CATEGORY, Prescriptions.decider(), layout.codec)
                    .withStateCodec(layout.stateCodec)
                    .withSnapshotPolicy(SnapshotPolicy.never())));
        }
    }

    /** Saves a snapshot of the entity's one-event state at {@code version}. */
    void saveSnapshot(EntityRef entity, long version) {
        snapshots
                .get(layout.shardOf(entity))
                .save(
                        entity,
                        new Snapshot(
                                version,
                                layout.stateCodec.fingerprint(),
                                layout.stateCodec.encode(layout.orderedState)));
    }

    /** A cold load ({@code EntityHandle.load}, no cache): the snapshot, then the subject's last sequence checked. */
    long load(EntityRef entity) {
        return handles.get(layout.shardOf(entity)).load(entity.id().value()).version();
    }

    @Override
    public void close() {
        runtimes.forEach(CommandRuntime::close);
    }
}
