package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProcessTimersTest.IdleReminder;
import dev.verdict.projection.ProcessTimersTest.Remind;
import dev.verdict.projection.ProcessTimersTest.Watch;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A process manager with time on a real server: its instances' timers on {@link NatsTimers} (the server's message
 * scheduler), its states in {@link NatsProcessStates}, the events and the fired timers each on a durable runner.
 */
class ProcessTimersOnNatsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    @Test
    void anInstancesTimerFiresThroughTheTimerRunnerIntoItsInstanceOnceNeverEarlyAndACancelledOneNever()
            throws Exception {
        String name = "ptimers" + STORES.incrementAndGet();
        String process = "idle" + STORES.get();
        Duration idle = Duration.ofSeconds(2);
        Connection nc = NATS.connection();
        EventStreamFixture stream = new EventStreamFixture(nc, name);
        NatsTimers timers = NatsTimers.create(nc, NatsEventStoreConfig.of(name));
        List<String> sent = new CopyOnWriteArrayList<>();
        ProcessProjection<CounterEvent, Watch, Remind> host = ProcessProjection.builder(
                        NatsProcessStates.open(nc),
                        process,
                        new IdleReminder(idle),
                        JsonStateCodec.of(Watch.class),
                        command -> EntityRef.of("counter", command.counter()),
                        (EntityRef target, Remind command, CommandContext context) -> sent.add(command.counter() + "|"
                                + command.at() + "|" + context.commandId() + "|" + Instant.now()))
                .timers(timers)
                .build();
        ProjectionRunner<CounterEvent> events = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(name), Category.of("counter")),
                        new CounterCodec(),
                        host)
                .build();
        ProjectionRunner<TimerFired> fired = NatsProjections.runner(
                        nc,
                        TimerReactions.filter(StoreName.of(name), process),
                        TimerFiredCodec.INSTANCE,
                        host.timerInputs())
                .build();
        try {
            events.start();
            fired.start();
            Instant before = Instant.now();
            stream.append(List.of(
                    new CounterEvent.Added("c-1", 2),
                    new CounterEvent.Added("c-2", 3),
                    new CounterEvent.Reset("c-2"))); // cancels c-2's timer
            events.caughtUp().get(30, TimeUnit.SECONDS);
            assertThat(timers.list(process))
                    .extracting(t -> t.ref())
                    .containsExactly(TimerRef.of(process, "c-1", "idle"));

            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (sent.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            Thread.sleep(idle.toMillis() + 1000); // anything more (c-2, a second firing) would have come by now

            assertThat(sent).hasSize(1);
            String[] reminder = sent.get(0).split("\\|");
            Instant due = Instant.parse(reminder[1]);
            assertThat(reminder[0]).isEqualTo("c-1");
            assertThat(due).isAfterOrEqualTo(before.plus(idle));
            assertThat(Instant.parse(reminder[3])).isAfterOrEqualTo(due); // never early
            assertThat(reminder[2])
                    .isEqualTo(new TimerFired(TimerRef.of(process, "c-1", "idle"), due, Instant.EPOCH).commandId(0));
            assertThat(host.state("c-1")).contains(new Watch(2, true, false));
            assertThat(host.state("c-2")).isEmpty();
            assertThat(timers.list(process)).isEmpty();
        } finally {
            fired.stop();
            events.stop();
        }
    }
}
