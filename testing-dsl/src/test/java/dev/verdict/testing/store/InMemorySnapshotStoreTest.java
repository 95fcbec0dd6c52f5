package dev.verdict.testing.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.EntityRef;
import dev.verdict.store.Snapshot;
import org.junit.jupiter.api.Test;

class InMemorySnapshotStoreTest {
    private static final EntityRef A = EntityRef.of("account", "a-1");
    private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

    @Test
    void loadsNothingForAnEntityWithoutSnapshot() {
        assertThat(snapshots.load(A)).isEmpty();
        assertThat(snapshots.loads()).isEqualTo(1);
    }

    @Test
    void loadsTheLatestSavedSnapshot() {
        snapshots.save(A, new Snapshot(3, "f1", new byte[] {1}));
        snapshots.save(A, new Snapshot(7, "f1", new byte[] {2}));

        assertThat(snapshots.load(A)).contains(new Snapshot(7, "f1", new byte[] {2}));
        assertThat(snapshots.saves()).isEqualTo(2);
    }

    @Test
    void neverReplacesANewerSnapshotWithAnOlderOne() {
        snapshots.save(A, new Snapshot(7, "f1", new byte[] {2}));
        snapshots.save(A, new Snapshot(3, "f1", new byte[] {1}));

        assertThat(snapshots.load(A)).map(Snapshot::version).contains(7L);
    }

    @Test
    void removedSnapshotIsGone() {
        snapshots.save(A, new Snapshot(7, "f1", new byte[] {2}));
        snapshots.remove(A);

        assertThat(snapshots.load(A)).isEmpty();
    }
}
