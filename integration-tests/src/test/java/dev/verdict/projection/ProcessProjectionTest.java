package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.decider.Process;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.Registration;
import dev.verdict.store.Category;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A process manager on a durable consumer, sending through the command runtime, issues each command once however
 * often its events are redelivered.
 */
class ProcessProjectionTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();
    private static final List<CommandRuntime> RUNTIMES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeRuntimes() {
        RUNTIMES.forEach(CommandRuntime::close);
        RUNTIMES.clear();
    }

    /** For every amount added, reserve it in two parts on the counter's stock item; the state counts events. */
    record Reserve(String sku, long amount, int part) {}

    private static final Process<CounterEvent, Long, Reserve> RESERVE_ON_ADD = new Process<>() {
        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long evolve(Long seen, CounterEvent event) {
            return seen + 1;
        }

        @Override
        public List<Reserve> react(Long seen, CounterEvent event) {
            if (event instanceof CounterEvent.Added a) {
                String sku = "s" + a.counter().substring(2);
                return List.of(new Reserve(sku, a.amount() / 2, 1), new Reserve(sku, a.amount() - a.amount() / 2, 2));
            }
            return List.of();
        }
    };

    private static final StateCodec<Long> LONG_STATE = new StateCodec<>() {
        @Override
        public byte[] encode(Long state) {
            return Long.toString(state).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Long decode(byte[] bytes) {
            return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
        }

        @Override
        public String fingerprint() {
            return "long-v1";
        }
    };

    /** The target decider: a stock item that records each reservation. */
    record Reserved(long amount, int part) {}

    private static final Decider<Reserve, Long, Reserved> STOCK = Decider.of(
            0L,
            (Reserve c, Long reserved) -> List.of(new Reserved(c.amount(), c.part())),
            (Long reserved, Reserved e) -> reserved + e.amount());

    private static final EventCodec<Reserved> RESERVED_CODEC = new EventCodec<>() {
        @Override
        public EncodedEvent encode(Reserved e) {
            return new EncodedEvent("Reserved", 1, (e.amount() + "|" + e.part()).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Reserved decode(EncodedEvent encoded) {
            String[] p = new String(encoded.payload(), StandardCharsets.UTF_8).split("\\|");
            return new Reserved(Long.parseLong(p[0]), Integer.parseInt(p[1]));
        }
    };

    /** Sends through the command runtime (which appends with {@code Nats-Msg-Id = <commandId>:<index>}). */
    private static CommandSender<Reserve> viaRuntime(
            Connection nc, String stockStore, AtomicInteger sends, Runnable beforeSend) {
        NatsEventStore stock = NatsEventStore.create(nc, NatsEventStoreConfig.of(stockStore));
        CommandRuntime runtime = CommandRuntime.builder(stock).withoutCache().build();
        RUNTIMES.add(runtime);
        CommandSender<Reserve> send =
                CommandSender.via(runtime.register(Registration.of("stock", STOCK, RESERVED_CODEC)));
        return (target, command, context) -> {
            beforeSend.run();
            sends.incrementAndGet();
            send.send(target, command, context);
        };
    }

    @Test
    void processManagerReactingToRedeliveredEventsIssuesEachCommandOnce() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String stockName = "stock" + STORES.get();
        Random random = new Random();
        try (Connection admin = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, orders);
            List<CounterEvent> events = JdbcProjectionContract.counterEvents(300, random).stream()
                    .filter(e -> e instanceof CounterEvent.Added)
                    .toList();
            stream.append(events);
            SubjectFilter filter = SubjectFilter.category(StoreName.of(orders), Category.of("counter"));
            AtomicInteger sends = new AtomicInteger();

            // three crashes between the first and the second command of an event: the event comes again
            for (int round = 1; round <= 3; round++) {
                int crashAt = 2 * (20 + random.nextInt(60)) + 2; // always the second command of an event
                AtomicInteger sendsThisRound = new AtomicInteger();
                Connection nc = server.connect();
                ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, stockName, sends, () -> {
                    if (sendsThisRound.incrementAndGet() == crashAt) {
                        throw new SimulatedCrash("crash before the second command");
                    }
                });
                ProjectionRunner<CounterEvent> runner = ProjectionRunner.builder(nc, filter, new CounterCodec(), host)
                        .build();
                runner.start();
                JdbcProjectionContract.awaitState(runner, RunnerState.FAILED);
                runner.stop();
                nc.close();
            }

            // the process loses its checkpoint: every event is redelivered and reacted to again
            admin.keyValue(ProcessProjection.BUCKET).purge("reserve");

            try (Connection nc = server.connect()) {
                ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, stockName, sends, () -> {});
                ProjectionRunner<CounterEvent> runner = ProjectionRunner.builder(nc, filter, new CounterCodec(), host)
                        .build();
                runner.start();
                runner.caughtUp().get(60, TimeUnit.SECONDS);
                runner.stop();
                assertThat(host.state()).isEqualTo(events.size());
            }

            List<Message> issued = readAll(admin, stockName);
            Set<String> messageIds = new HashSet<>();
            Set<String> commandIds = new HashSet<>();
            for (Message m : issued) {
                messageIds.add(m.getHeaders().getFirst(NatsEventHeaders.MSG_ID));
                commandIds.add(m.getHeaders().getFirst(NatsEventHeaders.COMMAND_ID));
            }
            assertThat(sends.get()).as("commands were re-sent").isGreaterThan(2 * events.size());
            assertThat(issued).as("each command stored once").hasSize(2 * events.size());
            assertThat(messageIds).hasSize(2 * events.size());
            assertThat(commandIds).hasSize(2 * events.size());
        }
    }

    @Test
    void redeliveriesAtOrBelowTheProcessCheckpointSendNothing() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String stockName = "stock" + STORES.get();
        try (Connection nc = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                events.add(new CounterEvent.Added("c-" + (i % 5), 10));
            }
            stream.append(events);
            SubjectFilter filter = SubjectFilter.category(StoreName.of(orders), Category.of("counter"));
            AtomicInteger sends = new AtomicInteger();
            ProjectionRunner<CounterEvent> first = ProjectionRunner.builder(
                            nc, filter, new CounterCodec(), host(nc, stockName, sends, () -> {}))
                    .build();
            first.start();
            first.caughtUp().get(30, TimeUnit.SECONDS);
            first.stop();
            // the consumer is lost: a new one would deliver everything again
            nc.jetStreamManagement().deleteConsumer(orders, first.consumerName());

            ProcessProjection<CounterEvent, Long, Reserve> restarted = host(nc, stockName, sends, () -> {});
            ProjectionRunner<CounterEvent> second = ProjectionRunner.builder(nc, filter, new CounterCodec(), restarted)
                    .build();
            second.start();
            second.caughtUp().get(30, TimeUnit.SECONDS);
            second.stop();

            assertThat(sends.get()).isEqualTo(80);
            assertThat(restarted.state()).isEqualTo(40L);
            assertThat(readAll(nc, stockName)).hasSize(80);
        }
    }

    @Test
    void commandIdsDeriveFromTheTriggeringEventIdAndIndex() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, "stock-ids", new AtomicInteger(), () -> {});
            var trigger = new dev.verdict.store.RecordedEvent(
                    EntityRef.of("counter", "c-1"),
                    7,
                    java.time.Instant.EPOCH,
                    "event-42",
                    java.time.Instant.EPOCH,
                    new EncodedEvent("Added", 1, new byte[0]),
                    "cmd-1",
                    "corr-1",
                    java.util.Optional.empty(),
                    java.util.Map.of());

            var context = host.contextFor(trigger, 1);

            assertThat(context.commandId()).isEqualTo("reserve-event-42-1");
            assertThat(context.correlationId()).isEqualTo("corr-1");
            assertThat(context.causationId()).contains("event-42");
            assertThat(host.contextFor(trigger, 1)).isEqualTo(context);
        }
    }

    private static ProcessProjection<CounterEvent, Long, Reserve> host(
            Connection nc, String stockStore, AtomicInteger sends, Runnable beforeSend) {
        return ProcessProjection.of(
                nc,
                "reserve",
                RESERVE_ON_ADD,
                LONG_STATE,
                command -> EntityRef.of("stock", command.sku()),
                viaRuntime(nc, stockStore, sends, beforeSend));
    }

    private static List<Message> readAll(Connection nc, String stream) throws Exception {
        long count =
                nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        JetStreamSubscription sub = nc.jetStream()
                .subscribe(
                        stream + ".>",
                        PullSubscribeOptions.builder().stream(stream)
                                .configuration(ConsumerConfiguration.builder()
                                        .ackPolicy(io.nats.client.api.AckPolicy.None)
                                        .build())
                                .build());
        List<Message> all = new ArrayList<>();
        while (all.size() < count) {
            List<Message> batch = sub.fetch(500, Duration.ofSeconds(2));
            if (batch.isEmpty()) {
                break;
            }
            all.addAll(batch);
        }
        sub.unsubscribe();
        return all;
    }
}
