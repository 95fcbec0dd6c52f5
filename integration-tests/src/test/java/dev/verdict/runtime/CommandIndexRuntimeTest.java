package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EntityRef;
import dev.verdict.testing.store.InMemoryCommandIndex;
import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the runtime uses a command-id index, without a server: when it asks, what it records, what it answers. */
class CommandIndexRuntimeTest {
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryEventStore store =
            InMemoryEventStore.builder().clock(clock).build();
    private final InMemoryCommandIndex index = new InMemoryCommandIndex();
    private final EntityRef c1 = EntityRef.of("counter", "c-1");

    private EntityHandle<Counter.Command, Counter, Event> counters(CommandRuntime runtime) {
        return runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
    }

    private CommandRuntime runtime() {
        return CommandRuntime.builder(store).commandIndex(index).build();
    }

    @Test
    void aReSendTheInMemoryMemoryKnowsIsAnsweredWithoutAskingTheIndex() {
        try (CommandRuntime runtime = runtime()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            CommandContext context = CommandContext.create();
            counters.handle("c-1", new Add(1), context);
            long lookups = index.lookups();

            Outcome<Counter, Event> again = counters.handle("c-1", new Add(1), context);

            assertThat(((Outcome.Accepted<Counter, Event>) again).duplicate()).isTrue();
            assertThat(index.lookups()).isEqualTo(lookups);
        }
    }

    @Test
    void aCommandWithoutAContextIsNeverLookedUpButStillRecorded() {
        try (CommandRuntime runtime = runtime()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            counters.handle("c-9", new Add(1), CommandContext.create()); // cold, with a caller's id: looked up
            long lookups = index.lookups();

            counters.handle("c-9", new Add(1)); // the runtime draws the id: nobody can have sent it before
            counters.handle("c-10", new Add(1));

            assertThat(index.lookups()).isEqualTo(lookups);
            assertThat(index.writes()).isEqualTo(3);
        }
    }

    @Test
    void everyOutcomeIsRecordedWithWhatAnswersARepeat() {
        try (CommandRuntime runtime = runtime()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            CommandContext accepted = CommandContext.create();
            CommandContext rejected = CommandContext.create();
            CommandContext unchanged = CommandContext.create();
            long version = counters.handle("c-1", new Add(2), accepted).version();
            counters.handle("c-1", new Add(5, 3), rejected);
            counters.handle("c-1", new Add(0), unchanged);

            assertThat(index.get(accepted.commandId()))
                    .contains(new CommandRecord.Appended(accepted.commandId(), c1, "", version, version));
            assertThat(index.get(rejected.commandId()))
                    .contains(new CommandRecord.Rejected(
                            rejected.commandId(),
                            c1,
                            "",
                            version,
                            "counter.over-maximum",
                            "cannot add 5 to 2: the" + " maximum is 3"));
            assertThat(index.get(unchanged.commandId()))
                    .contains(new CommandRecord.Unchanged(unchanged.commandId(), c1, "", version));
        }
    }

    @Test
    void aCommandIdOnlyTheIndexKnowsIsAnsweredWithItsOriginalOutcomeAndNotDecidedAgain() {
        CommandContext context = CommandContext.create();
        try (CommandRuntime before = runtime()) {
            counters(before).handle("c-1", new Add(2), context);
        }
        try (CommandRuntime after = runtime()) { // a restart: the in-memory memory is empty
            EntityHandle<Counter.Command, Counter, Event> counters = counters(after);
            for (int i = 0; i < RecentCommands.MAX; i++) {
                counters.handle("c-1", new Add(1)); // and the id is beyond the last commands a load remembers
            }
            after.close();
        }
        clock.advance(Duration.ofMinutes(3)); // past the store's duplicate window: only the index knows the id
        try (CommandRuntime later = runtime()) {
            Outcome<Counter, Event> again = counters(later).handle("c-1", new Add(2), context);

            assertThat(((Outcome.Accepted<Counter, Event>) again).duplicate()).isTrue();
            assertThat(again.state().value()).isEqualTo(2 + RecentCommands.MAX);
            assertThat(store.readAll(c1, dev.verdict.store.ReadRange.all())).hasSize(1 + RecentCommands.MAX);
        }
    }
}
