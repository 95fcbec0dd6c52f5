package dev.verdict.runtime;

import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.InMemorySnapshotStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RuntimeContract} on three runtimes over one {@link InMemoryEventStore}. */
class RuntimeContractInMemoryTest extends RuntimeContract {
    private static ThreeRuntimes instances;

    @BeforeAll
    static void start() {
        InMemoryEventStore store = InMemoryEventStore.create();
        InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        instances = new ThreeRuntimes(i -> store, i -> snapshots);
    }

    @AfterAll
    static void stop() {
        instances.close();
    }

    @Override
    Instances instances() {
        return instances;
    }
}
