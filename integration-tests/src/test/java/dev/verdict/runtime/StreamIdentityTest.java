package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream deleted and recreated with other events: snapshots and cached states made from the old stream must not be
 * folded together with the new stream's events. The new entity has more events than the old one had, so the version
 * checks alone (a snapshot ahead of the stream, a cached version above the head) would not notice.
 */
class StreamIdentityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private static EntityHandle<Counter.Command, Counter, Event> counters(CommandRuntime runtime) {
        return runtime.register(Registration.of("counter", Counter.DECIDER, Counter.EVENTS)
                .withStateCodec(Counter.STATE)
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(1)));
    }

    /** Deletes the stream, creates it again and stores four {@code Add(1)} on counter c1: value 4, version 4. */
    private static void recreateWithOtherEvents(NatsEventStoreConfig config) throws Exception {
        NATS.connection().jetStreamManagement().deleteStream(config.storeName().value());
        try (CommandRuntime other = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .withoutCache()
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(other);
            for (int i = 0; i < 4; i++) {
                counters.handle("c1", new Add(1));
            }
        }
    }

    @Test
    void aSnapshotOfTheDeletedStreamIsDiscardedAndTheStateRebuiltFromTheNewStreamsEvents() throws Exception {
        NatsEventStoreConfig config = NatsEventStoreConfig.of("identity" + STORES.incrementAndGet());
        try (CommandRuntime before = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .snapshots(NatsSnapshotStore.create(NATS.connection(), config))
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(before);
            for (int i = 0; i < 3; i++) {
                counters.handle("c1", new Add(5)); // value 15 at version 3, snapshotted
            }
        }
        recreateWithOtherEvents(config);

        try (CommandRuntime after = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .snapshots(NatsSnapshotStore.create(NATS.connection(), config))
                .withoutCache()
                .build()) {
            assertThat(counters(after).load("c1").state().value()).isEqualTo(4);
        }
    }

    @Test
    void aCachedStateOfTheDeletedStreamIsDroppedOnceTheRecreationIsNoticed() throws Exception {
        NatsEventStoreConfig config = NatsEventStoreConfig.of("identity" + STORES.incrementAndGet());
        NatsEventStore store = NatsEventStore.create(NATS.connection(), config);
        try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            for (int i = 0; i < 3; i++) {
                counters.handle("c1", new Add(5)); // cached: value 15 at version 3
            }
            String before = store.streamIdentity();
            recreateWithOtherEvents(config);
            awaitNewIdentity(store, before);

            assertThat(counters.load("c1").state().value()).isEqualTo(4);
            Outcome<Counter, Event> next = counters.handle("c1", new Add(1));
            assertThat(next.state().value()).isEqualTo(5);
        }
    }

    @Test
    void aCommandIdRecordedOnTheDeletedStreamIsDecidedAgainOnTheNewOne() throws Exception {
        NatsEventStoreConfig config = NatsEventStoreConfig.of("identity" + STORES.incrementAndGet());
        CommandContext context = CommandContext.create();
        try (CommandRuntime before = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .commandIndex(NatsCommandIndex.create(NATS.connection(), config))
                .build()) {
            counters(before).handle("c1", new Add(5), context);
        }
        recreateWithOtherEvents(config);

        try (CommandRuntime after = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .commandIndex(NatsCommandIndex.create(NATS.connection(), config))
                .build()) {
            Outcome<Counter, Event> again = counters(after).handle("c1", new Add(5), context);

            // the old record points at sequence 1 of the old stream, which is another command's event now
            assertThat(again).isInstanceOf(Outcome.Accepted.class);
            assertThat(((Outcome.Accepted<Counter, Event>) again).duplicate()).isFalse();
            assertThat(again.state().value()).isEqualTo(9);
        }
    }

    /** The store re-reads the identity at most every few seconds, on use: wait until it has. */
    private static void awaitNewIdentity(NatsEventStore store, String before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (store.streamIdentity().equals(before)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store did not notice the recreated stream within 30 s");
            }
            Thread.sleep(200);
        }
    }
}
