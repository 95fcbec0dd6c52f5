package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A process manager never re-sends a reaction outside the target's dedupe guarantees. The target here is a real
 * stream with a 1-second duplicate window and no command index: every command is published with {@code Nats-Msg-Id =
 * <command id>}, so a re-send within the window is deduplicated by the server and one after it is stored twice –
 * the test counts the stored messages per command id.
 */
class ProcessReactionFencingTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Duration WINDOW = Duration.ofSeconds(1);

    record Notify(String counter, int part) {}

    /** Two commands per event; a single instance (the state counts events). */
    private static final ProcessManager<CounterEvent, Long, Notify> TWO_PER_EVENT = new ProcessManager<>() {
        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long evolve(Long seen, CounterEvent event) {
            return seen + 1;
        }

        @Override
        public List<Notify> react(Long seen, CounterEvent event) {
            return List.of(new Notify(event.counter(), 1), new Notify(event.counter(), 2));
        }
    };

    /** A target stream with a short duplicate window; each command id gets its own subject, to count it. */
    private static final class Target {
        private final Connection nc;
        private final String stream;
        private final Map<String, Integer> subjects = new ConcurrentHashMap<>();

        Target(Connection nc) throws Exception {
            this.nc = nc;
            this.stream = "target" + NAMES.incrementAndGet();
            nc.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(stream)
                            .subjects(stream + ".>")
                            .storageType(StorageType.File)
                            .duplicateWindow(WINDOW)
                            .build());
        }

        CommandSender<Notify> sender(Consumer<String> afterStored) {
            return (target, command, context) -> {
                int n = subjects.computeIfAbsent(context.commandId(), id -> subjects.size());
                try {
                    nc.jetStream()
                            .publish(
                                    stream + ".c" + n,
                                    new byte[0],
                                    PublishOptions.builder()
                                            .messageId(context.commandId())
                                            .build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                afterStored.accept(context.commandId());
            };
        }

        /** How often each command id was stored. */
        Map<String, Long> stored() throws Exception {
            Map<String, Long> perSubject = nc.jetStreamManagement()
                    .getStreamInfo(stream, StreamInfoOptions.allSubjects())
                    .getStreamState()
                    .getSubjectMap();
            Map<String, Long> perId = new ConcurrentHashMap<>();
            subjects.forEach((id, n) -> perId.put(id, perSubject.getOrDefault(stream + ".c" + n, 0L)));
            return perId;
        }
    }

    private static ProcessProjection<CounterEvent, Long, Notify> host(
            ProcessStates states, String name, CommandSender<Notify> sender) {
        return ProcessProjection.builder(
                        states, name, TWO_PER_EVENT, ProcessStatesContract.LONG, n -> EntityRef.of("x", "y"), sender)
                .confirmAfter(Duration.ofMillis(200))
                .build();
    }

    /**
     * The active instance is held inside its sender (a slow answer, as after a SIGSTOP) after storing the first command
     * of an event; another instance takes over, applies that event and the next, and the duplicate window passes. Once
     * released, the first instance sends neither the rest of that reaction nor its buffered next event's.
     */
    @Test
    void aPausedInstanceResumedAfterATakeOverPastTheDuplicateWindowSendsNothingMore() throws Exception {
        try (Connection nc = NATS.server().connect();
                Connection a = NATS.server().connect();
                Connection b = NATS.server().connect()) {
            String orders = "orders" + NAMES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            stream.append(List.of(new CounterEvent.Added("c-1", 1), new CounterEvent.Added("c-2", 1)));
            List<DeliveredEvent<CounterEvent>> events = delivered(nc, orders);
            Target target = new Target(nc);
            String name = "paused" + NAMES.get();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ProcessProjection<CounterEvent, Long, Notify> first =
                    host(NatsProcessStates.open(a), name, target.sender(id -> {
                        if (id.endsWith("-0") && held.getCount() > 0) {
                            held.countDown();
                            await(release);
                        }
                    }));
            ProcessProjection<CounterEvent, Long, Notify> second =
                    host(NatsProcessStates.open(b), name, target.sender(id -> {}));
            assertThat(first.checkpoint()).hasValue(0);

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> applying = pool.submit(() -> first.apply(expecting(events.get(0), 0)));
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                // the take-over: the second instance resumes after the stored checkpoint (still 0)
                assertThat(second.checkpoint()).hasValue(0);
                second.apply(expecting(events.get(0), 0));
                second.apply(expecting(events.get(1), events.get(0).sequence()));
                Thread.sleep(WINDOW.toMillis() * 2);
                release.countDown();
                try {
                    applying.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(CheckpointMoved.class);
                }
                // its runner would deliver the next event it had buffered, expecting its own last checkpoint
                try {
                    first.apply(expecting(events.get(1), events.get(0).sequence()));
                } catch (CheckpointMoved expected) {
                    // nothing sent: its runner resumes after the stored checkpoint
                }
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(target.stored())
                    .hasSize(4)
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
            assertThat(second.state()).isEqualTo(2L);
        }
    }

    /**
     * The state bucket's server goes down right after a reaction was sent, and stays down longer than the target's
     * duplicate window: the retry of the event, once the bucket is back, writes the state and sends nothing again.
     */
    @Test
    void aStateBucketOutageLongerThanTheDuplicateWindowResendsNothing() throws Exception {
        try (LocalNatsServer stateServer = LocalNatsServer.launch();
                // no reconnect buffer: a write while the server is down is refused, never stored later
                Connection states = io.nats.client.Nats.connect(
                        stateServer.defaultOptions().reconnectBufferSize(0).build());
                Connection nc = NATS.server().connect()) {
            String orders = "orders" + NAMES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            stream.append(List.of(new CounterEvent.Added("c-1", 1), new CounterEvent.Added("c-2", 1)));
            List<DeliveredEvent<CounterEvent>> events = delivered(nc, orders);
            Target target = new Target(nc);
            AtomicInteger sent = new AtomicInteger();
            ProcessProjection<CounterEvent, Long, Notify> host =
                    host(NatsProcessStates.open(states), "outage", target.sender(id -> {
                        if (sent.incrementAndGet() == 2) {
                            stateServer.stop(); // after the reaction's last command, before its state is written
                        }
                    }));
            assertThat(host.checkpoint()).hasValue(0);
            assertThrows(ProjectionUnavailable.class, () -> host.apply(expecting(events.get(0), 0)));
            Thread.sleep(WINDOW.toMillis() * 2);
            stateServer.start();
            retryUntilApplied(host, expecting(events.get(0), 0));
            host.apply(expecting(events.get(1), events.get(0).sequence()));

            assertThat(target.stored())
                    .hasSize(4)
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
            assertThat(host.state()).isEqualTo(2L);
            assertThat(host.checkpoint()).hasValue(events.get(1).sequence());
        }
    }

    /**
     * A rebuild started by one service instance that then died (it replayed two events and stopped) is finished by the
     * instance that was applying events: its next event meets the moved checkpoint ({@link CheckpointMoved}, not an
     * endless wait), it resumes from the rebuild's checkpoint, replays quietly up to the old checkpoint and reacts to
     * the new event once.
     */
    @Test
    void aRebuildWhoseInstanceDiedIsFinishedByTheNext() throws Exception {
        try (Connection nc = NATS.server().connect();
                Connection a = NATS.server().connect();
                Connection b = NATS.server().connect()) {
            String orders = "orders" + NAMES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            List<CounterEvent> appended = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                appended.add(new CounterEvent.Added("c-" + i, 1));
            }
            stream.append(appended);
            List<DeliveredEvent<CounterEvent>> events = delivered(nc, orders);
            Target target = new Target(nc);
            String name = "rebuilt" + NAMES.get();
            ProcessProjection<CounterEvent, Long, Notify> live =
                    host(NatsProcessStates.open(a), name, target.sender(id -> {}));
            long expected = live.checkpoint().getAsLong();
            for (int i = 0; i < 5; i++) {
                live.apply(expecting(events.get(i), expected));
                expected = events.get(i).sequence();
            }
            ProcessProjection<CounterEvent, Long, Notify> rebuilder =
                    host(NatsProcessStates.open(b), name, target.sender(id -> {}));
            rebuilder.reset();
            long rebuilt = rebuilder.checkpoint().getAsLong();
            for (int i = 0; i < 2; i++) {
                rebuilder.apply(expecting(events.get(i), rebuilt));
                rebuilt = events.get(i).sequence();
            }
            b.close(); // the rebuilding instance is gone

            long last = expected;
            CheckpointMoved moved =
                    assertThrows(CheckpointMoved.class, () -> live.apply(expecting(events.get(5), last)));
            assertThat(moved.actual()).isEqualTo(events.get(1).sequence());
            // as its runner does: resume after the stored checkpoint
            long position = live.checkpoint().getAsLong();
            for (int i = 2; i < 6; i++) {
                live.apply(expecting(events.get(i), position));
                position = events.get(i).sequence();
            }
            assertThat(live.state()).isEqualTo(6L);
            assertThat(live.checkpoint()).hasValue(events.get(5).sequence());
            assertThat(target.stored())
                    .hasSize(12)
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
        }
    }

    private static void retryUntilApplied(
            ProcessProjection<CounterEvent, Long, Notify> host, DeliveredEvent<CounterEvent> e)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                host.apply(e);
                return;
            } catch (ProjectionUnavailable unavailable) {
                if (System.nanoTime() > deadline) {
                    throw unavailable;
                }
                Thread.sleep(200);
            }
        }
    }

    private static DeliveredEvent<CounterEvent> expecting(DeliveredEvent<CounterEvent> e, long expectedCheckpoint) {
        return new DeliveredEvent<>(e.event(), e.recorded(), Partition.WHOLE, expectedCheckpoint);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The events of a stream as a runner delivers them, in stream order. */
    private static List<DeliveredEvent<CounterEvent>> delivered(Connection nc, String stream) throws Exception {
        long count =
                nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        JetStreamSubscription sub = nc.jetStream()
                .subscribe(
                        stream + ".>",
                        PullSubscribeOptions.builder()
                                .configuration(ConsumerConfiguration.builder()
                                        .ackPolicy(io.nats.client.api.AckPolicy.None)
                                        .build())
                                .build());
        List<DeliveredEvent<CounterEvent>> events = new ArrayList<>();
        CounterCodec codec = new CounterCodec();
        while (events.size() < count) {
            for (Message m : sub.fetch((int) count, Duration.ofSeconds(5))) {
                RecordedEvent recorded = NatsRecordedEvents.fromMessage(StoreName.of(stream), m);
                events.add(new DeliveredEvent<>(codec.decode(recorded.event()), recorded));
            }
        }
        sub.unsubscribe();
        return events;
    }
}
