package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.Snapshot;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runtime against a real nats-server under load: many threads in several runtimes, a long history with a snapshot.
 * What the runtime promises in every mode (conflicts, re-sends, snapshots and the tail) is {@link RuntimeContract}'s.
 */
class RuntimeOnNatsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private static NatsEventStore newStore() {
        return NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("runtime" + STORES.incrementAndGet()));
    }

    /**
     * 32 threads in 4 runtimes (as if 4 processes of 8 threads each) add to one counter with a maximum: inside a
     * runtime commands queue per entity, across runtimes they conflict and catch up.
     */
    @Test
    void thirtyTwoThreadsOnOneEntityLoseNothingStoreNothingTwiceAndKeepTheMaximum() throws Exception {
        NatsEventStore store = newStore();
        int maximum = 150;
        int runtimesCount = 4;
        int threadsPerRuntime = 8;
        int commandsPerThread = 8;
        RecordingMetrics metrics = new RecordingMetrics();
        List<CommandRuntime> runtimes = new ArrayList<>();
        List<EntityHandle<Counter.Command, Counter, Event>> handles = new ArrayList<>();
        for (int r = 0; r < runtimesCount; r++) {
            CommandRuntime runtime = CommandRuntime.builder(store)
                    .metrics(metrics)
                    .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(30))
                    .build();
            runtimes.add(runtime);
            handles.add(runtime.register("counter", Counter.DECIDER, Counter.EVENTS));
        }
        Map<String, Outcome.Accepted<Counter, Event>> accepted = new ConcurrentHashMap<>();
        Map<String, Integer> amounts = new ConcurrentHashMap<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger rejected = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(runtimesCount * threadsPerRuntime);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < runtimesCount * threadsPerRuntime; t++) {
                EntityHandle<Counter.Command, Counter, Event> handle = handles.get(t % runtimesCount);
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < commandsPerThread; i++) {
                        String commandId = "t" + thread + "-" + i;
                        int amount = 1 + ThreadLocalRandom.current().nextInt(3);
                        amounts.put(commandId, amount);
                        try {
                            Outcome<Counter, Event> outcome = handle.handle(
                                    "hot", new Add(amount, maximum), CommandContext.withCommandId(commandId));
                            assertThat(outcome.state().value()).isLessThanOrEqualTo(maximum);
                            if (outcome instanceof Outcome.Accepted<Counter, Event> a) {
                                accepted.put(commandId, a);
                            } else {
                                rejected.incrementAndGet();
                            }
                        } catch (RuntimeException | Error e) {
                            failures.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(failures).isEmpty();
        EntityRef hot = EntityRef.of("counter", "hot");
        List<RecordedEvent> stream = store.readAll(hot, ReadRange.all());
        Map<String, List<RecordedEvent>> byCommand =
                stream.stream().collect(Collectors.groupingBy(RecordedEvent::commandId));
        // every accepted command's events are in the stream, exactly once, at the reported sequences
        assertThat(byCommand.keySet()).isEqualTo(accepted.keySet());
        accepted.forEach((commandId, outcome) -> {
            assertThat(outcome.duplicate()).isFalse();
            assertThat(byCommand.get(commandId))
                    .extracting(RecordedEvent::sequence)
                    .containsExactlyElementsOf(outcome.events().stream()
                            .map(AppendedEvent::sequence)
                            .toList());
        });
        assertThat(stream).hasSize(accepted.size());
        // the final state equals a replay, and the maximum holds
        Counter replayed = Counter.DECIDER.fold(
                Counter.EMPTY,
                stream.stream().map(r -> Counter.EVENTS.decode(r.event())).toList());
        int acceptedTotal = accepted.keySet().stream().mapToInt(amounts::get).sum();
        assertThat(replayed.value()).isEqualTo(acceptedTotal).isLessThanOrEqualTo(maximum);
        assertThat(accepted.size() + rejected.get()).isEqualTo(runtimesCount * threadsPerRuntime * commandsPerThread);
        for (EntityHandle<Counter.Command, Counter, Event> handle : handles) {
            assertThat(handle.load("hot")).isEqualTo(new EntityState<>(hot, replayed, store.version(hot)));
        }
        assertThat(metrics.count("conflict")).isEqualTo(metrics.count("retry"));
        runtimes.forEach(CommandRuntime::close);
    }

    @Test
    void tenThousandEventEntityWithASnapshotReadsOnlyTheTailAndEqualsAFullReplay() {
        NatsEventStore store = newStore();
        EntityRef big = EntityRef.of("counter", "big");
        List<Long> sequences = new ArrayList<>();
        EncodedEvent one = Counter.EVENTS.encode(new Added(1));
        for (int batch = 0; batch < 10; batch++) {
            AppendResult r = store.append(
                    big,
                    sequences.isEmpty() ? 0 : sequences.get(sequences.size() - 1),
                    Collections.nCopies(NatsEventStore.MAX_EVENTS_PER_APPEND, one),
                    CommandContext.create());
            sequences.addAll(r.sequences());
        }
        assertThat(sequences).hasSize(10_000);
        NatsSnapshotStore snapshots = NatsSnapshotStore.create(NATS.connection(), store.config());
        long snapshotVersion = sequences.get(9_990 - 1);
        snapshots.save(
                big,
                new Snapshot(
                        snapshotVersion, Counter.STATE.fingerprint(), Counter.STATE.encode(new Counter(9_990, false))));
        RecordingMetrics withSnapshot = new RecordingMetrics();
        RecordingMetrics withoutSnapshot = new RecordingMetrics();

        EntityState<Counter> fromSnapshot;
        EntityState<Counter> fromEvents;
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                        .snapshots(snapshots)
                        .metrics(withSnapshot)
                        .build();
                CommandRuntime replaying =
                        CommandRuntime.builder(store).metrics(withoutSnapshot).build()) {
            fromSnapshot = runtime.register(Registration.of("counter", Counter.DECIDER, Counter.EVENTS)
                            .withStateCodec(Counter.STATE))
                    .load("big");
            fromEvents = replaying
                    .register("counter", Counter.DECIDER, Counter.EVENTS)
                    .load("big");
        }

        assertThat(withSnapshot.count("eventsRead.SNAPSHOT")).isEqualTo(10);
        assertThat(withSnapshot.count("eventsRead.EVENTS")).isZero();
        assertThat(withoutSnapshot.count("eventsRead.EVENTS")).isEqualTo(10_000);
        assertThat(fromSnapshot).isEqualTo(fromEvents);
        assertThat(fromSnapshot.state()).isEqualTo(new Counter(10_000, false));
        assertThat(fromSnapshot.version()).isEqualTo(sequences.get(9_999));
    }
}
