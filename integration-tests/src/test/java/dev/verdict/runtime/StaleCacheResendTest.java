package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A command re-sent to another instance whose cache is stale: that instance decides on an older state, so its decision
 * has another number of events than the original, and the server recognises the command id (10201 for a batch). The
 * re-send is answered with the original outcome and the instance's cache is caught up, so its next commands work.
 */
class StaleCacheResendTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    /** A level that a command tops up to a target, one event per unit: how many events depends on the state. */
    record Level(int value) {}

    record TopUp(int target) {}

    sealed interface LevelEvent permits Raised {}

    record Raised() implements LevelEvent {}

    private static final Decider<TopUp, Level, LevelEvent> DECIDER = Decider.of(
            new Level(0),
            (command, level) -> {
                List<LevelEvent> events = new ArrayList<>();
                for (int v = level.value(); v < command.target(); v++) {
                    events.add(new Raised());
                }
                return events;
            },
            (level, event) -> new Level(level.value() + 1),
            level -> false);

    private static final JsonEventCodec<LevelEvent> EVENTS = JsonEventCodec.of(LevelEvent.class);

    @Test
    void aReSendDecidedOnAStaleCacheIsAnsweredWithItsOriginalEventsAndTheCacheRecovers() {
        NatsEventStore store = NatsEventStore.create(
                NATS.connection(), NatsEventStoreConfig.of("staleresend" + STORES.incrementAndGet()));
        RecordingMetrics metricsOfB = new RecordingMetrics();
        try (CommandRuntime a = CommandRuntime.builder(store).build();
                CommandRuntime b =
                        CommandRuntime.builder(store).metrics(metricsOfB).build()) {
            EntityHandle<TopUp, Level, LevelEvent> levelsOfA = a.register("level", DECIDER, EVENTS);
            EntityHandle<TopUp, Level, LevelEvent> levelsOfB = b.register("level", DECIDER, EVENTS);
            levelsOfA.handle("l-1", new TopUp(1));
            assertThat(levelsOfB.handle("l-1", new TopUp(1))).isInstanceOf(Outcome.Unchanged.class); // B caches 1
            levelsOfA.handle("l-1", new TopUp(2)); // B's cache is stale now
            CommandContext resent = CommandContext.withCommandId("top-up-to-4");
            Outcome<Level, LevelEvent> original = levelsOfA.handle("l-1", new TopUp(4), resent); // 2 events: 3, 4

            // the client did not get the answer and sends again, to B: B decides 3 events on its stale state
            Outcome<Level, LevelEvent> again = levelsOfB.handle("l-1", new TopUp(4), resent);

            assertThat(original).isInstanceOf(Outcome.Accepted.class);
            Outcome.Accepted<Level, LevelEvent> answer = (Outcome.Accepted<Level, LevelEvent>) again;
            assertThat(answer.duplicate()).isTrue();
            assertThat(answer.events()).extracting(AppendedEvent::sequence).containsExactly(3L, 4L);
            assertThat(answer.state()).isEqualTo(new Level(4));
            assertThat(answer.version()).isEqualTo(4);
            // the same re-send once more, and a new command: B's cache caught up, nothing conflicts or is doubled
            Outcome.Accepted<Level, LevelEvent> third =
                    (Outcome.Accepted<Level, LevelEvent>) levelsOfB.handle("l-1", new TopUp(4), resent);
            assertThat(third.events()).extracting(AppendedEvent::sequence).containsExactly(3L, 4L);
            Outcome<Level, LevelEvent> next = levelsOfB.handle("l-1", new TopUp(5));
            assertThat(next.version()).isEqualTo(5);
            assertThat(metricsOfB.count("conflict")).isZero();
            assertThat(store.readAll(EntityRef.of("level", "l-1"), ReadRange.all()))
                    .hasSize(5);
        }
    }
}
