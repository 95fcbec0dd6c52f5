package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code handle} is a join on the one asynchronous pipeline of {@code handleAsync}, yet all its work that can block or
 * decide – a catch-up read after an answer NATS delivered on its own thread, a retry after a conflict, the decision
 * again – runs on the thread that called {@code handle}: never on a NATS connection's thread, never on the runtime's
 * pool.
 */
class BlockingHandleThreadsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private final List<Thread> deciding = new CopyOnWriteArrayList<>();
    private final Decider<Counter.Command, Counter, Event> watched = Decider.of(
            Counter.EMPTY,
            (command, state) -> {
                deciding.add(Thread.currentThread());
                return Counter.decide(command, state);
            },
            Counter::evolve,
            Counter::closed);

    /**
     * A no-op decided on a stale cached state is confirmed by an asynchronous version request, answered on a NATS
     * thread; the catch-up read and the second decision that follow are handed back to the caller of {@code handle}.
     */
    @Test
    void aStaleCacheConfirmedOnANatsThreadIsCaughtUpAndDecidedOnTheCallingThread() {
        NatsEventStore store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("threads-stale"));
        try (CommandRuntime a = CommandRuntime.builder(store).build();
                CommandRuntime b = CommandRuntime.builder(store).build()) {
            EntityHandle<Counter.Command, Counter, Event> inA = a.register("counter", watched, Counter.EVENTS);
            EntityHandle<Counter.Command, Counter, Event> inB = b.register("counter", Counter.DECIDER, Counter.EVENTS);
            inA.handle("c-1", new Add(1)); // A caches version 1
            inB.handle("c-1", new Add(2)); // A's cache is now stale
            deciding.clear();

            Outcome<Counter, Event> outcome = inA.handle("c-1", new Add(0)); // no events: confirmed, not appended

            assertThat(outcome).isInstanceOf(Outcome.Unchanged.class);
            assertThat(outcome.state()).isEqualTo(new Counter(3, false));
            assertThat(outcome.version()).isEqualTo(2);
            assertThat(deciding).hasSize(2).containsOnly(Thread.currentThread());
        }
    }

    @Test
    void aRetryAfterAConflictOnNatsIsDecidedOnTheCallingThread() {
        NatsEventStore store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("threads"));
        RecordingMetrics metrics = new RecordingMetrics();
        try (CommandRuntime a = CommandRuntime.builder(store).metrics(metrics).build();
                CommandRuntime b = CommandRuntime.builder(store).build()) {
            EntityHandle<Counter.Command, Counter, Event> inA = a.register("counter", watched, Counter.EVENTS);
            EntityHandle<Counter.Command, Counter, Event> inB = b.register("counter", Counter.DECIDER, Counter.EVENTS);
            inA.handle("c-1", new Add(1)); // A caches version 1
            inB.handle("c-1", new Add(2)); // A's cache is now stale: its next append conflicts
            deciding.clear();

            Outcome<Counter, Event> outcome = inA.handle("c-1", new Add(4));

            assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
            assertThat(outcome.state()).isEqualTo(new Counter(7, false));
            assertThat(metrics.count("conflict")).isEqualTo(1);
            assertThat(deciding).hasSize(2).containsOnly(Thread.currentThread());
        }
    }
}
