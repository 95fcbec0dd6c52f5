package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Close;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.InMemorySnapshotStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotLoadingTest {
    private final InMemoryEventStore store = InMemoryEventStore.create();
    private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    private final EntityRef c1 = EntityRef.of("counter", "c-1");

    private Registration<Counter.Command, Counter, Event> counters(SnapshotPolicy<Counter> policy) {
        return Registration.of("counter", Counter.DECIDER, Counter.EVENTS)
                .withStateCodec(Counter.STATE)
                .withSnapshotPolicy(policy);
    }

    /** Writes {@code n} events of +1 through a runtime without cache or snapshots, closing it. */
    private void history(String id, int n) {
        try (CommandRuntime writer =
                CommandRuntime.builder(store).withoutCache().build()) {
            EntityHandle<Counter.Command, Counter, Event> h =
                    writer.register("counter", Counter.DECIDER, Counter.EVENTS);
            for (int i = 0; i < n; i++) {
                h.handle(id, new Add(1));
            }
        }
    }

    private void snapshot(EntityRef entity, long version, Counter state) {
        snapshots.save(entity, new Snapshot(version, Counter.STATE.fingerprint(), Counter.STATE.encode(state)));
    }

    @Test
    void writesASnapshotEveryNEventsAfterTheAppend() {
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            EntityHandle<Counter.Command, Counter, Event> h = runtime.register(counters(SnapshotPolicy.everyEvents(3)));
            for (int i = 0; i < 7; i++) {
                h.handle("c-1", new Add(1));
            }
        } // close() flushes the asynchronous writes

        assertThat(snapshots.saves()).isEqualTo(2);
        Snapshot latest = snapshots.load(c1).orElseThrow();
        assertThat(latest.version()).isEqualTo(6);
        assertThat(Counter.STATE.decode(latest.state())).isEqualTo(new Counter(6, false));
    }

    @Test
    void writesASnapshotWhenTheStateBecomesTerminal() {
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            EntityHandle<Counter.Command, Counter, Event> h = runtime.register(counters(SnapshotPolicy.onTerminal()));
            h.handle("c-1", new Add(1));
            h.handle("c-1", new Close());
        }

        assertThat(snapshots.saves()).isEqualTo(1);
        assertThat(Counter.STATE.decode(snapshots.load(c1).orElseThrow().state()))
                .isEqualTo(new Counter(1, true));
    }

    @Test
    void neverPolicyWritesNoSnapshot() {
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            EntityHandle<Counter.Command, Counter, Event> h = runtime.register(counters(SnapshotPolicy.never()));
            h.handle("c-1", new Add(1));
            h.handle("c-1", new Close());
        }

        assertThat(snapshots.saves()).isZero();
    }

    @Test
    void loadsFromASnapshotAndReadsOnlyTheTail() {
        history("c-1", 30);
        snapshot(c1, 25, new Counter(25, false));
        store.resetCounters();
        RecordingMetrics metrics = new RecordingMetrics();

        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .snapshots(snapshots)
                .metrics(metrics)
                .build()) {
            EntityState<Counter> loaded =
                    runtime.register(counters(SnapshotPolicy.never())).load("c-1");

            assertThat(loaded).isEqualTo(new EntityState<>(c1, new Counter(30, false), 30));
        }
        assertThat(store.eventsRead()).isEqualTo(5);
        assertThat(metrics.count("snapshot.HIT")).isEqualTo(1);
    }

    @Test
    void snapshotAtTheHeadNeedsNoEventRead() {
        history("c-1", 10);
        snapshot(c1, 10, new Counter(10, false));
        store.resetCounters();

        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            Outcome<Counter, Event> outcome =
                    runtime.register(counters(SnapshotPolicy.never())).handle("c-1", new Add(1));

            assertThat(outcome.state()).isEqualTo(new Counter(11, false));
        }
        assertThat(store.readCalls()).isZero();
        assertThat(store.versionCalls()).isEqualTo(1);
    }

    @Test
    void terminalSnapshotSkipsTheTailRead() {
        history("c-1", 3);
        snapshot(c1, 2, new Counter(2, true)); // pretend the entity was closed at version 2
        store.resetCounters();

        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            Outcome<Counter, Event> outcome =
                    runtime.register(counters(SnapshotPolicy.never())).handle("c-1", new Add(1));

            assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
            assertThat(outcome.state().closed()).isTrue();
        }
        assertThat(store.readCalls()).isZero();
    }

    @Test
    void snapshotOfAnotherStateShapeIsIgnoredAndCounted() {
        history("c-1", 4);
        snapshots.save(c1, new Snapshot(4, "an-older-shape", Counter.STATE.encode(new Counter(999, false))));
        RecordingMetrics metrics = new RecordingMetrics();

        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .snapshots(snapshots)
                .metrics(metrics)
                .build()) {
            EntityState<Counter> loaded =
                    runtime.register(counters(SnapshotPolicy.never())).load("c-1");

            assertThat(loaded.state()).isEqualTo(new Counter(4, false));
        }
        assertThat(metrics.count("snapshot.STALE")).isEqualTo(1);
        assertThat(metrics.count("eventsRead.EVENTS")).isEqualTo(4);
    }

    @Test
    void snapshotAheadOfTheStreamIsIgnoredAndCounted() {
        history("c-1", 2);
        snapshot(c1, 50, new Counter(50, false)); // e.g. the stream was recreated
        RecordingMetrics metrics = new RecordingMetrics();

        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .snapshots(snapshots)
                .metrics(metrics)
                .build()) {
            EntityState<Counter> loaded =
                    runtime.register(counters(SnapshotPolicy.never())).load("c-1");

            assertThat(loaded).isEqualTo(new EntityState<>(c1, new Counter(2, false), 2));
        }
        assertThat(metrics.count("snapshot.STALE")).isEqualTo(1);
    }

    @Test
    void undecodableSnapshotIsIgnored() {
        history("c-1", 2);
        snapshots.save(c1, new Snapshot(2, Counter.STATE.fingerprint(), "not json".getBytes()));

        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(snapshots).build()) {
            assertThat(runtime.register(counters(SnapshotPolicy.never()))
                            .load("c-1")
                            .state())
                    .isEqualTo(new Counter(2, false));
        }
    }

    @Test
    void failingSnapshotWritesNeverFailACommand() {
        SnapshotStore broken = new SnapshotStore() {
            @Override
            public Optional<Snapshot> load(EntityRef entity) {
                throw new IllegalStateException("KV bucket unreachable");
            }

            @Override
            public void save(EntityRef entity, Snapshot snapshot) {
                throw new IllegalStateException("KV bucket unreachable");
            }
        };
        RecordingMetrics metrics = new RecordingMetrics();
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).snapshots(broken).metrics(metrics).build()) {
            EntityHandle<Counter.Command, Counter, Event> h = runtime.register(counters(SnapshotPolicy.everyEvents(1)));

            assertThat(h.handle("c-1", new Add(1)).isAccepted()).isTrue();
            assertThat(h.handle("c-1", new Add(1)).state()).isEqualTo(new Counter(2, false));
        }
        assertThat(metrics.count("snapshotWrite.FAILED")).isEqualTo(2);
        assertThat(store.readAll(c1, ReadRange.all())).hasSize(2);
    }
}
