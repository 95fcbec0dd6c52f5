package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency beyond the server's duplicate window: with a {@link NatsCommandIndex}, a command id re-sent after the
 * window (made 1 s here), after 16 later commands (beyond the runtime's in-memory memory), after a restart or after a
 * snapshot load is stored once and answered with its original outcome.
 */
class CommandIndexTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final AtomicInteger STORES = new AtomicInteger();

    private static NatsEventStoreConfig newConfig() {
        return NatsEventStoreConfig.builder()
                .storeName(StoreName.of("idem" + STORES.incrementAndGet()))
                .duplicateWindow(WINDOW)
                .build();
    }

    private static CommandRuntime runtime(NatsEventStoreConfig config, boolean snapshots) {
        CommandRuntime.Builder builder = CommandRuntime.builder(NatsEventStore.create(NATS.connection(), config))
                .commandIndex(NatsCommandIndex.create(NATS.connection(), config));
        if (snapshots) {
            builder.snapshots(NatsSnapshotStore.create(NATS.connection(), config));
        }
        return builder.build();
    }

    private static EntityHandle<Counter.Command, Counter, Event> counters(CommandRuntime runtime) {
        return runtime.register(Registration.of("counter", Counter.DECIDER, Counter.EVENTS)
                .withStateCodec(Counter.STATE)
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(1)));
    }

    /** Waits out the server's duplicate window (three times over: the server forgets ids on a timer). */
    private static void pastTheDuplicateWindow() throws InterruptedException {
        Thread.sleep(WINDOW.multipliedBy(3).toMillis());
    }

    private static Outcome.Accepted<Counter, Event> accepted(Outcome<Counter, Event> outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
        return (Outcome.Accepted<Counter, Event>) outcome;
    }

    private static long storedEventsOf(CommandRuntime runtime, EntityRef entity, CommandContext context) {
        return runtime.store().readAll(entity, ReadRange.all()).stream()
                .map(RecordedEvent::commandId)
                .filter(context.commandId()::equals)
                .count();
    }

    private static void sixteenLaterCommands(EntityHandle<Counter.Command, Counter, Event> counters, String id) {
        for (int i = 0; i < RecentCommands.MAX + 4; i++) {
            accepted(counters.handle(id, new Add(1)));
        }
    }

    @Test
    void aCommandReSentAfterTheDuplicateWindowAndLaterCommandsIsStoredOnceWithItsOriginalOutcome() throws Exception {
        NatsEventStoreConfig config = newConfig();
        try (CommandRuntime runtime = runtime(config, false)) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            CommandContext context = CommandContext.create();
            Outcome.Accepted<Counter, Event> first = accepted(counters.handle("c1", new Add(5), context));
            sixteenLaterCommands(counters, "c1");
            pastTheDuplicateWindow();

            Outcome.Accepted<Counter, Event> again = accepted(counters.handle("c1", new Add(5), context));

            assertThat(again.duplicate()).isTrue();
            assertThat(again.events()).isEqualTo(first.events());
            assertThat(again.state().value()).isEqualTo(5 + RecentCommands.MAX + 4);
            assertThat(storedEventsOf(runtime, first.entity(), context)).isEqualTo(1);
        }
    }

    @Test
    void aCommandReSentAfterARestartIsStoredOnceWithItsOriginalOutcome() throws Exception {
        NatsEventStoreConfig config = newConfig();
        CommandContext context = CommandContext.create();
        Outcome.Accepted<Counter, Event> first;
        try (CommandRuntime before = runtime(config, false)) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(before);
            first = accepted(counters.handle("c1", new Add(5), context));
            sixteenLaterCommands(counters, "c1");
        }
        pastTheDuplicateWindow();

        try (CommandRuntime after = runtime(config, false)) {
            Outcome.Accepted<Counter, Event> again = accepted(counters(after).handle("c1", new Add(5), context));

            assertThat(again.duplicate()).isTrue();
            assertThat(again.events()).isEqualTo(first.events());
            assertThat(storedEventsOf(after, first.entity(), context)).isEqualTo(1);
        }
    }

    @Test
    void aCommandReSentToAStateLoadedFromASnapshotIsStoredOnceWithItsOriginalOutcome() throws Exception {
        NatsEventStoreConfig config = newConfig();
        CommandContext context = CommandContext.create();
        Outcome.Accepted<Counter, Event> first;
        try (CommandRuntime before = runtime(config, true)) {
            first = accepted(counters(before).handle("c1", new Add(5), context));
        } // closing writes the snapshot at the head
        pastTheDuplicateWindow();

        try (CommandRuntime after = runtime(config, true)) {
            // loaded from the snapshot: no event is read, so the in-memory memory of commands is empty
            Outcome.Accepted<Counter, Event> again = accepted(counters(after).handle("c1", new Add(5), context));

            assertThat(again.duplicate()).isTrue();
            assertThat(again.events()).isEqualTo(first.events());
            assertThat(again.state().value()).isEqualTo(5);
            assertThat(storedEventsOf(after, first.entity(), context)).isEqualTo(1);
        }
    }

    @Test
    void aCommandStoredWithoutItsRecordIsRecognisedOnceTheIndexIsRepairedFromTheStream() throws Exception {
        NatsEventStoreConfig config = newConfig();
        NatsEventStore store = NatsEventStore.create(NATS.connection(), config);
        NatsCommandIndex index = NatsCommandIndex.create(NATS.connection(), config);
        Instant crashedAround = Instant.now().minusSeconds(5);
        CommandContext context = CommandContext.create();
        EntityRef c1 = EntityRef.of("counter", "c1");
        // appended, then the process died before it recorded the command: the store alone knows it
        long sequence = store.append(c1, 0, List.of(Counter.EVENTS.encode(new Counter.Added(5))), context)
                .version();
        try (CommandRuntime runtime = runtime(config, false)) {
            sixteenLaterCommands(counters(runtime), "c1");
        }
        pastTheDuplicateWindow();

        assertThat(index.repair(store, crashedAround)).isEqualTo(1); // the later commands have their records

        try (CommandRuntime after = runtime(config, false)) {
            Outcome.Accepted<Counter, Event> again = accepted(counters(after).handle("c1", new Add(5), context));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.events()).extracting(AppendedEvent::sequence).containsExactly(sequence);
            assertThat(storedEventsOf(after, c1, context)).isEqualTo(1);
        }
    }

    @Test
    void aRejectedCommandIdIsAnsweredWithTheOriginalRejectionWhateverDecidingAgainWouldSay() throws Exception {
        NatsEventStoreConfig config = newConfig();
        CommandContext context = CommandContext.create();
        try (CommandRuntime before = runtime(config, false)) {
            Outcome<Counter, Event> first = counters(before).handle("c1", new Add(5, 3), context);
            assertThat(first).isInstanceOf(Outcome.Rejected.class);
        }

        try (CommandRuntime after = runtime(config, false)) {
            // the same id with a command that would be accepted now: the id's outcome is the rejection
            Outcome<Counter, Event> again = counters(after).handle("c1", new Add(1), context);

            assertThat(again).isInstanceOf(Outcome.Rejected.class);
            Outcome.Rejected<Counter, Event> rejected = (Outcome.Rejected<Counter, Event>) again;
            assertThat(rejected.rejection().code()).isEqualTo("counter.over-maximum");
            assertThat(rejected.rejection().getMessage()).isEqualTo("cannot add 5 to 0: the maximum is 3");
            assertThat(after.store().version(EntityRef.of("counter", "c1"))).isZero();
        }
    }

    @Test
    void aCommandIdUsedForAnotherEntityIsRefusedAndStoresNothing() throws Exception {
        NatsEventStoreConfig config = newConfig();
        CommandContext context = CommandContext.create();
        try (CommandRuntime runtime = runtime(config, false)) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            accepted(counters.handle("c1", new Add(5), context));
            pastTheDuplicateWindow();

            assertThatThrownBy(() -> counters.handle("c2", new Add(5), context))
                    .isInstanceOf(CommandIdReused.class)
                    .hasMessageContaining("counter/c1");
            assertThat(runtime.store().version(EntityRef.of("counter", "c2"))).isZero();
        }
    }
}
