package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A runtime whose cached state another instance overtook catches up after the conflict from the events the store read
 * while refusing the append ({@link dev.verdict.store.ConcurrencyConflict#missedEvents()}): the retry costs the append
 * alone, like a hand-written optimistic loop, not a second read of the same tail.
 */
class ConflictCatchUpTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    record Count(int value) {}

    record Add(int amount) {}

    sealed interface CountEvent permits Added {
        int amount();
    }

    record Added(int amount) implements CountEvent {}

    private static final Decider<Add, Count, CountEvent> DECIDER = Decider.of(
            new Count(0),
            (command, count) -> List.of(new Added(command.amount())),
            (count, event) -> new Count(count.value() + event.amount()),
            count -> false);

    private static final JsonEventCodec<CountEvent> EVENTS = JsonEventCodec.of(CountEvent.class);

    /** The store, counting the reads the runtime asks of it. */
    static final class CountingReads implements EventStore {
        private final EventStore store;
        final AtomicInteger reads = new AtomicInteger();

        CountingReads(EventStore store) {
            this.store = store;
        }

        @Override
        public StoreName name() {
            return store.name();
        }

        @Override
        public AppendResult append(
                EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
            return store.append(entity, expectedVersion, events, context);
        }

        @Override
        public CompletableFuture<AppendResult> appendAsync(
                EntityRef entity,
                long expectedVersion,
                List<EncodedEvent> events,
                CommandContext context,
                Executor blocking) {
            return store.appendAsync(entity, expectedVersion, events, context, blocking);
        }

        @Override
        public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
            reads.incrementAndGet();
            return store.read(entity, range, sink);
        }

        @Override
        public long version(EntityRef entity) {
            return store.version(entity);
        }

        @Override
        public CompletableFuture<Long> versionAsync(EntityRef entity) {
            return store.versionAsync(entity);
        }

        @Override
        public String streamIdentity() {
            return store.streamIdentity();
        }
    }

    @Test
    void aStaleInstanceRetriesOnTheTailTheConflictBroughtWithoutReadingIt() {
        NatsEventStore store =
                NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("catchup" + STORES.incrementAndGet()));
        CountingReads storeOfB = new CountingReads(store);
        RecordingMetrics metricsOfB = new RecordingMetrics();
        try (CommandRuntime a = CommandRuntime.builder(store).build();
                CommandRuntime b =
                        CommandRuntime.builder(storeOfB).metrics(metricsOfB).build()) {
            EntityHandle<Add, Count, CountEvent> countsOfA = a.register("count", DECIDER, EVENTS);
            EntityHandle<Add, Count, CountEvent> countsOfB = b.register("count", DECIDER, EVENTS);
            countsOfB.handle("c-1", new Add(1)); // B caches version 1
            countsOfA.handle("c-1", new Add(10));
            countsOfA.handle("c-1", new Add(100)); // B's cache is two events behind
            int readsBefore = storeOfB.reads.get();

            Outcome<Count, CountEvent> sync = countsOfB.handle("c-1", new Add(1000));
            countsOfA.handle("c-1", new Add(10_000));
            Outcome<Count, CountEvent> async =
                    countsOfB.handleAsync("c-1", new Add(100_000)).join();

            assertThat(sync.state()).isEqualTo(new Count(1111));
            assertThat(async.state()).isEqualTo(new Count(111_111));
            assertThat(metricsOfB.count("conflict")).isEqualTo(2);
            assertThat(metricsOfB.count("eventsRead.CATCH_UP")).isEqualTo(3);
            assertThat(storeOfB.reads.get() - readsBefore).isZero();
        }
    }
}
