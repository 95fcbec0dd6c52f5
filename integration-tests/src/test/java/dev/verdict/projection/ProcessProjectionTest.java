package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.ProcessManager;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.runtime.Registration;
import dev.verdict.store.Category;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private static final ProcessManager<CounterEvent, Long, Reserve> RESERVE_ON_ADD = new ProcessManager<>() {
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
                ProjectionRunner<CounterEvent> runner = NatsProjections.runner(nc, filter, new CounterCodec(), host)
                        .build();
                runner.start();
                JdbcProjectionContract.awaitState(runner, RunnerState.FAILED);
                runner.stop();
                nc.close();
            }

            // the process loses its checkpoint: every event is redelivered and reacted to again
            admin.keyValue(NatsProcessStates.BUCKET).purge("reserve.checkpoint");
            admin.keyValue(NatsProcessStates.BUCKET).purge("reserve.i.single");

            try (Connection nc = server.connect()) {
                ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, stockName, sends, () -> {});
                ProjectionRunner<CounterEvent> runner = NatsProjections.runner(nc, filter, new CounterCodec(), host)
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
            ProjectionRunner<CounterEvent> first = NatsProjections.runner(
                            nc, filter, new CounterCodec(), host(nc, stockName, sends, () -> {}))
                    .build();
            first.start();
            first.caughtUp().get(30, TimeUnit.SECONDS);
            first.stop();
            // the consumer is lost: a new one would deliver everything again
            nc.jetStreamManagement().deleteConsumer(orders, first.consumerName());

            ProcessProjection<CounterEvent, Long, Reserve> restarted = host(nc, stockName, sends, () -> {});
            ProjectionRunner<CounterEvent> second = NatsProjections.runner(nc, filter, new CounterCodec(), restarted)
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

    @Test
    void twoInstancesApplyingTheSameEventsConcurrentlyStoreEachReactionOnceAndWriteEachEventsStateOnce()
            throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String stockName = "stock" + STORES.get();
        String process = "reserve-twice" + STORES.get();
        try (Connection admin = server.connect();
                Connection first = server.connect();
                Connection second = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, orders);
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                events.add(new CounterEvent.Added("c-" + (i % 7), 10 + i));
            }
            stream.append(events);
            List<DeliveredEvent<CounterEvent>> delivered = delivered(admin, orders);
            AtomicInteger sends = new AtomicInteger();
            // two instances: own connection, own command runtime, own host, as two processes would have
            ProcessProjection<CounterEvent, Long, Reserve> one =
                    host(first, process, viaRuntime(first, stockName, sends, () -> {}));
            ProcessProjection<CounterEvent, Long, Reserve> two =
                    host(second, process, viaRuntime(second, stockName, sends, () -> {}));
            long writesBefore = ProcessStateWrites.bucketLastSequence(admin);
            List<KeyValueEntry> writes = new CopyOnWriteArrayList<>();
            NatsKeyValueWatchSubscription watch = ProcessStateWrites.watch(admin, process, writes);

            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> a = pool.submit(() -> applyAll(one, delivered, start));
                Future<Integer> b = pool.submit(() -> applyAll(two, delivered, start));
                a.get(120, TimeUnit.SECONDS);
                b.get(120, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            ProcessStateWrites.awaitLast(admin, process, writes);
            watch.unsubscribe();

            // a failed compare-and-set stores nothing: the bucket's stream grew by one message per successful write
            assertThat(ProcessStateWrites.bucketLastSequence(admin) - writesBefore)
                    .as("one successful write of the instance and one of the checkpoint per event")
                    .isEqualTo(2L * events.size());
            // every write seen (a watcher may miss a value superseded before it was delivered: one value per key)
            // holds an event's sequence and the count of events up to it, in stream order
            ProcessStateWrites.assertInOrder(writes, delivered);
            assertThat(one.checkpoint())
                    .hasValue(delivered.get(delivered.size() - 1).sequence());
            assertThat(two.state()).isEqualTo((long) events.size());

            List<Message> issued = readAll(admin, stockName);
            Set<String> commandIds = new HashSet<>();
            for (Message m : issued) {
                commandIds.add(m.getHeaders().getFirst(NatsEventHeaders.COMMAND_ID));
            }
            assertThat(issued).as("each command stored once").hasSize(2 * events.size());
            assertThat(commandIds).hasSize(2 * events.size());
            assertThat(sends.get()).isGreaterThanOrEqualTo(2 * events.size());
        }
    }

    @Test
    void storeOutageDuringAReactionIsRetriedUntilTheStoreAnswersAndNeverDeadLettered() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String stockName = "stock" + STORES.get();
        String process = "reserve-outage" + STORES.get();
        try (LocalNatsServer stockServer = LocalNatsServer.launch();
                Connection nc = server.connect();
                Connection stockConnection = stockServer.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(new CounterEvent.Added("c-" + (i % 3), 4));
            }
            stream.append(events);
            NatsEventStore stock = NatsEventStore.create(
                    stockConnection,
                    NatsEventStoreConfig.builder()
                            .storeName(StoreName.of(stockName))
                            .requestTimeout(Duration.ofMillis(500))
                            .build());
            CommandRuntime runtime =
                    CommandRuntime.builder(stock).withoutCache().build();
            RUNTIMES.add(runtime);
            CommandSender<Reserve> viaStock =
                    CommandSender.via(runtime.register(Registration.of("stock", STOCK, RESERVED_CODEC)));
            AtomicInteger unavailable = new AtomicInteger();
            CountDownLatch failedThrice = new CountDownLatch(3);
            CommandSender<Reserve> counting = (target, command, context) -> {
                try {
                    viaStock.send(target, command, context);
                } catch (EventStoreUnavailable e) {
                    unavailable.incrementAndGet();
                    failedThrice.countDown();
                    throw e;
                }
            };
            ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, process, counting);
            NatsDeadLetters deadLetters = NatsDeadLetters.open(nc, "dead-letters-" + orders);
            ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                            nc,
                            SubjectFilter.category(StoreName.of(orders), Category.of("counter")),
                            new CounterCodec(),
                            host)
                    // a failure of the event itself would be dead-lettered after two quick attempts
                    .retryPolicy(new ApplyRetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(200), 2.0))
                    .deadLetters(deadLetters)
                    .build();

            stockServer.stop(); // the target store is down: a leader election, a restart
            runner.start();
            assertThat(failedThrice.await(60, TimeUnit.SECONDS))
                    .as("the reaction met the outage")
                    .isTrue();
            stockServer.start();
            runner.caughtUp().get(60, TimeUnit.SECONDS);
            runner.stop();

            assertThat(unavailable.get()).isGreaterThanOrEqualTo(3);
            assertThat(deadLetters.list(orders, process))
                    .as("nothing dead-lettered")
                    .isEmpty();
            assertThat(runner.status().deadLettered()).isZero();
            assertThat(host.state()).isEqualTo((long) events.size());
            List<Message> issued = readAll(stockConnection, stockName);
            Set<String> commandIds = new HashSet<>();
            for (Message m : issued) {
                commandIds.add(m.getHeaders().getFirst(NatsEventHeaders.COMMAND_ID));
            }
            assertThat(issued).as("each command stored once").hasSize(2 * events.size());
            assertThat(commandIds).hasSize(2 * events.size());
        }
    }

    @Test
    void exhaustedConflictRetriesOfTheTargetAreUnavailableAndTheRetryStoresTheCommandOnce() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String stockName = "stock" + STORES.get();
        String process = "reserve-conflict" + STORES.get();
        try (Connection nc = server.connect();
                Connection interloperConnection = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            stream.append(List.of(new CounterEvent.Added("c-1", 6), new CounterEvent.Added("c-2", 8)));
            List<DeliveredEvent<CounterEvent>> delivered = delivered(nc, orders);
            // another writer appends to the stock item while the runtime decides, twice: every attempt is overtaken
            NatsEventStore interloper = NatsEventStore.create(interloperConnection, NatsEventStoreConfig.of(stockName));
            AtomicInteger interferences = new AtomicInteger(2);
            Decider<Reserve, Long, Reserved> contested = Decider.of(
                    0L,
                    (Reserve c, Long reserved) -> {
                        if (interferences.getAndDecrement() > 0) {
                            EntityRef item = EntityRef.of("stock", c.sku());
                            interloper.append(
                                    item,
                                    interloper.version(item),
                                    List.of(RESERVED_CODEC.encode(new Reserved(1, 0))),
                                    dev.verdict.store.CommandContext.create());
                        }
                        return List.of(new Reserved(c.amount(), c.part()));
                    },
                    (Long reserved, Reserved e) -> reserved + e.amount());
            NatsEventStore stock = NatsEventStore.create(nc, NatsEventStoreConfig.of(stockName));
            CommandRuntime runtime = CommandRuntime.builder(stock)
                    .withoutCache()
                    .retryPolicy(
                            dev.verdict.runtime.ConflictRetryPolicy.defaults().withMaxAttempts(1))
                    .build();
            RUNTIMES.add(runtime);
            ProcessProjection<CounterEvent, Long, Reserve> host = host(
                    nc,
                    process,
                    CommandSender.via(runtime.register(Registration.of("stock", contested, RESERVED_CODEC))));

            for (int expectedFailure = 1; expectedFailure <= 2; expectedFailure++) {
                ProjectionUnavailable e = org.junit.jupiter.api.Assertions.assertThrows(
                        ProjectionUnavailable.class, () -> host.apply(delivered.get(0)));
                assertThat(e).hasRootCauseInstanceOf(dev.verdict.store.ConcurrencyConflict.class);
                assertThat(causes(e)).anyMatch(t -> t instanceof ConflictRetriesExhausted);
                assertThat(host.checkpoint()).as("not applied").hasValue(0);
            }
            host.apply(delivered.get(0));
            host.apply(delivered.get(1));
            host.apply(delivered.get(0)); // a redelivery: nothing more

            assertThat(host.state()).isEqualTo(2L);
            Map<String, Integer> stored = new java.util.HashMap<>();
            for (Message m : readAll(nc, stockName)) {
                stored.merge(m.getHeaders().getFirst(NatsEventHeaders.COMMAND_ID), 1, Integer::sum);
            }
            Map<String, Integer> reactions = new java.util.HashMap<>(stored);
            reactions.keySet().removeIf(id -> !id.startsWith(process + "-"));
            assertThat(reactions)
                    .as("each reaction stored once")
                    .hasSize(4)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(stored.size() - reactions.size())
                    .as("the interloper's events")
                    .isEqualTo(2);
        }
    }

    @Test
    void rejectionsAreTheProcesssBusinessOtherSenderFailuresAreTheEventsAndUnavailableIsRetried() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String process = "reserve-answers" + STORES.get();
        try (Connection nc = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            stream.append(List.of(
                    new CounterEvent.Added("c-1", 2),
                    new CounterEvent.Added("c-2", 2),
                    new CounterEvent.Added("c-3", 2)));
            List<DeliveredEvent<CounterEvent>> delivered = delivered(nc, orders);
            List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger mode = new AtomicInteger();
            ProcessProjection<CounterEvent, Long, Reserve> host = host(nc, process, (target, command, context) -> {
                sent.add(context.commandId());
                switch (mode.get()) {
                    case 0:
                        return;
                    case 1:
                        throw new DomainRejection("stock.exhausted", "no stock for " + command.sku()) {};
                    case 2:
                        throw new IllegalStateException("a bug in the sender");
                    default:
                        throw new EventStoreUnavailable("no responders", new java.io.IOException("503"));
                }
            });

            mode.set(1); // the target refuses: logged, the process goes on
            host.apply(delivered.get(0));
            assertThat(host.checkpoint()).hasValue(delivered.get(0).sequence());
            assertThat(sent).hasSize(2);

            mode.set(2); // anything else fails the event as it is (the runner retries it, then dead-letters it)
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, () -> host.apply(delivered.get(1)));
            mode.set(3); // an outage: unavailable, retried with the same ids
            ProjectionUnavailable outage = org.junit.jupiter.api.Assertions.assertThrows(
                    ProjectionUnavailable.class, () -> host.apply(delivered.get(1)));
            assertThat(outage).hasCauseInstanceOf(EventStoreUnavailable.class);
            assertThat(host.checkpoint()).hasValue(delivered.get(0).sequence());
            mode.set(0);
            host.apply(delivered.get(1));
            host.apply(delivered.get(2));

            String firstIdOfSecond =
                    host.contextFor(delivered.get(1).recorded(), 0).commandId();
            assertThat(sent.stream().filter(firstIdOfSecond::equals))
                    .as("the same id each time")
                    .hasSize(3);
            assertThat(sent).hasSize(2 + 1 + 1 + 2 + 2);
            assertThat(host.state()).isEqualTo(3L);
        }
    }

    @Test
    void resetByCompareAndSetKeepsTheQuietMarkAndAnotherInstanceWaitsForTheRebuild() throws Exception {
        NatsServer server = NATS.server();
        String orders = "orders" + STORES.incrementAndGet();
        String process = "reserve-rebuild" + STORES.get();
        try (Connection nc = server.connect();
                Connection other = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, orders);
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                events.add(new CounterEvent.Added("c-" + i, 2));
            }
            stream.append(events);
            List<DeliveredEvent<CounterEvent>> delivered = delivered(nc, orders);
            List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            CommandSender<Reserve> recording = (target, command, context) -> sent.add(context.commandId());
            ProcessProjection<CounterEvent, Long, Reserve> live = host(nc, process, recording);
            ProcessProjection<CounterEvent, Long, Reserve> rebuilder = host(other, process, recording);
            for (int i = 0; i < 4; i++) {
                live.apply(delivered.get(i));
            }
            assertThat(sent).hasSize(8);

            rebuilder.reset();
            JsonNode entry = new ObjectMapper()
                    .readTree(nc.keyValue(NatsProcessStates.BUCKET)
                            .get(process + ".checkpoint")
                            .getValue());
            assertThat(entry.path("sequence").asLong()).isZero();
            assertThat(entry.path("quietUntil").asLong())
                    .isEqualTo(delivered.get(3).sequence());

            // the live instance still holds the fifth event: it reads the stored checkpoint before reacting, finds it
            // went back (a rebuild), sends nothing and does not write over the rebuild's early state
            org.junit.jupiter.api.Assertions.assertThrows(
                    ProjectionUnavailable.class, () -> live.apply(delivered.get(4)));
            assertThat(sent).as("a stale instance sends nothing").hasSize(8);
            // as a runner delivers it (with the checkpoint it expects): the checkpoint moved, nothing sent
            DeliveredEvent<CounterEvent> fifth = delivered.get(4);
            org.junit.jupiter.api.Assertions.assertThrows(
                    CheckpointMoved.class,
                    () -> live.apply(new DeliveredEvent<>(
                            fifth.event(),
                            fifth.recorded(),
                            Partition.WHOLE,
                            delivered.get(3).sequence())));
            assertThat(sent).as("waiting sends nothing").hasSize(8);

            rebuilder.checkpoint();
            for (int i = 0; i < 4; i++) {
                rebuilder.apply(delivered.get(i));
            }
            assertThat(sent)
                    .as("the replay up to the quiet mark sends nothing again")
                    .hasSize(8);
            rebuilder.apply(delivered.get(4));
            assertThat(sent.subList(8, 10))
                    .as("the fifth event's ids")
                    .containsExactly(
                            host(nc, process, recording)
                                    .contextFor(fifth.recorded(), 0)
                                    .commandId(),
                            host(nc, process, recording)
                                    .contextFor(fifth.recorded(), 1)
                                    .commandId());
            live.apply(delivered.get(4)); // the rebuild passed it: applied by the other instance, nothing sent
            assertThat(sent).hasSize(10);
            live.apply(delivered.get(5));
            assertThat(sent).hasSize(12);
            assertThat(rebuilder.state()).isEqualTo(6L);
            assertThat(rebuilder.checkpoint()).hasValue(delivered.get(5).sequence());
        }
    }

    @Test
    void anUnreachableStateBucketIsUnavailableNotAFailureOfTheEvent() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            String process = "reserve-kv-outage";
            List<String> sent = new CopyOnWriteArrayList<>();
            ProcessProjection<CounterEvent, Long, Reserve> host =
                    host(nc, process, (target, command, context) -> sent.add(context.commandId()));
            DeliveredEvent<CounterEvent> first = synthetic(new CounterEvent.Added("c-1", 2), 5, "event-5");
            DeliveredEvent<CounterEvent> second = synthetic(new CounterEvent.Added("c-2", 2), 9, "event-9");
            host.apply(first);
            server.stop();

            org.junit.jupiter.api.Assertions.assertThrows(ProjectionUnavailable.class, host::checkpoint);
            org.junit.jupiter.api.Assertions.assertThrows(ProjectionUnavailable.class, () -> host.apply(second));

            server.start();
            host.apply(second); // the retry, with the same ids
            assertThat(host.checkpoint()).hasValue(9);
            assertThat(host.state()).isEqualTo(2L);
            assertThat(sent.subList(0, 4))
                    .containsExactly(
                            "reserve-kv-outage-event-5-0",
                            "reserve-kv-outage-event-5-1",
                            "reserve-kv-outage-event-9-0",
                            "reserve-kv-outage-event-9-1");
            // the write that timed out may still have been stored from the client's reconnect buffer: then the retry
            // finds the event applied and sends nothing; otherwise it sends again, with the same ids
            assertThat(sent.subList(4, sent.size()))
                    .isIn(List.of(), List.of("reserve-kv-outage-event-9-0", "reserve-kv-outage-event-9-1"));
        }
    }

    private static DeliveredEvent<CounterEvent> synthetic(CounterEvent event, long sequence, String eventId) {
        return new DeliveredEvent<>(
                event,
                new RecordedEvent(
                        EntityRef.of("counter", event.counter()),
                        sequence,
                        java.time.Instant.EPOCH,
                        eventId,
                        java.time.Instant.EPOCH,
                        new CounterCodec().encode(event),
                        "cmd-" + eventId,
                        "corr-" + eventId,
                        java.util.Optional.empty(),
                        Map.of()));
    }

    /** Applies every event in order, retrying an event that is unavailable, as a runner would. */
    private static int applyAll(
            ProcessProjection<CounterEvent, Long, Reserve> host,
            List<DeliveredEvent<CounterEvent>> events,
            CyclicBarrier start)
            throws Exception {
        start.await(30, TimeUnit.SECONDS);
        int unavailable = 0;
        for (DeliveredEvent<CounterEvent> event : events) {
            for (int attempt = 1; ; attempt++) {
                try {
                    host.apply(event);
                    break;
                } catch (ProjectionUnavailable e) {
                    unavailable++;
                    if (attempt == 50) {
                        throw e;
                    }
                }
            }
        }
        return unavailable;
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }

    /** The events of a stream as a runner delivers them, in stream order. */
    private static List<DeliveredEvent<CounterEvent>> delivered(Connection nc, String stream) throws Exception {
        CounterCodec codec = new CounterCodec();
        List<DeliveredEvent<CounterEvent>> events = new ArrayList<>();
        for (Message m : readAll(nc, stream)) {
            RecordedEvent recorded = NatsRecordedEvents.fromMessage(StoreName.of(stream), m);
            events.add(new DeliveredEvent<>(codec.decode(recorded.event()), recorded));
        }
        return events;
    }

    private static ProcessProjection<CounterEvent, Long, Reserve> host(
            Connection nc, String process, CommandSender<Reserve> sender) {
        return ProcessProjection.of(
                NatsProcessStates.open(nc),
                process,
                RESERVE_ON_ADD,
                LONG_STATE,
                command -> EntityRef.of("stock", command.sku()),
                sender);
    }

    private static ProcessProjection<CounterEvent, Long, Reserve> host(
            Connection nc, String stockStore, AtomicInteger sends, Runnable beforeSend) {
        return ProcessProjection.of(
                NatsProcessStates.open(nc),
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
