package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.EntityKey;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.multi.Dispensary.Deducted;
import dev.verdict.runtime.multi.Dispensary.Dispense;
import dev.verdict.runtime.multi.Dispensary.Dispensed;
import dev.verdict.runtime.multi.Dispensary.NoteIfInStock;
import dev.verdict.runtime.multi.Dispensary.Prescribe;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.runtime.multi.Dispensary.Rx;
import dev.verdict.runtime.multi.Dispensary.RxCommand;
import dev.verdict.runtime.multi.Dispensary.RxEvent;
import dev.verdict.runtime.multi.Dispensary.Stock;
import dev.verdict.runtime.multi.Dispensary.StockCommand;
import dev.verdict.runtime.multi.Dispensary.StockEvent;
import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decisions over several entities on a real server: one atomic append over the entities' subjects, every entity read
 * guarded, conflicts resolved by reading only the changed tails. Run on one node and on an R3 stream of a 3-node
 * cluster by the subclasses.
 */
abstract class MultiEntityDecisionsBehaviour {
    private static final AtomicInteger STORES = new AtomicInteger();

    static final EntityRef ASPIRIN = EntityRef.of("inventory", "aspirin");

    abstract Connection connect() throws Exception;

    abstract int replicas();

    /** The event store of one instance; the subclasses on a sharded store open a {@code ShardedEventStore}. */
    EventStore openStore(Connection nc, NatsEventStoreConfig config) {
        return NatsEventStore.create(nc, config);
    }

    /** The command index of one instance over {@code store} (what {@link #openStore} returned). */
    CommandIndex openCommandIndex(Connection nc, NatsEventStoreConfig config, EventStore store) {
        return NatsCommandIndex.create(nc, config);
    }

    private final List<Connection> connections = new ArrayList<>();
    private final List<CommandRuntime> runtimes = new ArrayList<>();
    NatsEventStoreConfig config;

    @BeforeEach
    void newStore() {
        config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("multi" + STORES.incrementAndGet() + "r" + replicas()))
                .replicas(replicas())
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void close() throws Exception {
        runtimes.forEach(CommandRuntime::close);
        for (Connection c : connections) {
            c.close();
        }
    }

    /** One application instance: its own connection, store and runtime. */
    final class Instance {
        final CountingStore store;
        final CommandRuntime runtime;
        final EntityHandle<RxCommand, Rx, RxEvent> prescriptions;
        final EntityHandle<StockCommand, Stock, StockEvent> inventory;
        final MultiEntityHandle<Dispense, CombinedState<Rx, Stock>, Object> dispenses;
        final MultiEntityHandle<NoteIfInStock, Dispensary.Seen, Object> notes;

        Instance() throws Exception {
            this(false);
        }

        Instance(boolean withCommandIndex) throws Exception {
            Connection nc = connect();
            connections.add(nc);
            EventStore opened = openStore(nc, config);
            store = new CountingStore(opened);
            CommandRuntime.Builder builder = CommandRuntime.builder(store)
                    .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(50));
            if (withCommandIndex) {
                builder.commandIndex(openCommandIndex(nc, config, opened));
            }
            runtime = builder.build();
            runtimes.add(runtime);
            prescriptions = runtime.register("prescription", Dispensary.RX, Dispensary.RX_EVENTS);
            inventory = runtime.register("inventory", Dispensary.STOCK, Dispensary.STOCK_EVENTS);
            dispenses = runtime.register(MultiRegistration.of("dispense", Dispensary.DISPENSE));
            notes = runtime.register(MultiRegistration.of("note", Dispensary.NOTE));
        }
    }

    @Test
    void fiftyConcurrentDispensesNeverTakeMoreStockThanReceivedAndRefusalsStoreNothing() throws Exception {
        List<Instance> instances = List.of(new Instance(), new Instance(), new Instance());
        Instance setup = instances.get(0);
        for (int i = 0; i < 10; i++) {
            setup.prescriptions.handle("rx-" + i, new Prescribe(10));
        }
        setup.inventory.handle("aspirin", new Receive(20));

        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Integer> accepted = new ConcurrentHashMap<>();
        Map<String, String> refused = new ConcurrentHashMap<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            int i = n;
            futures.add(pool.submit(() -> {
                start.await();
                String commandId = "dispense-" + i;
                int quantity = 1 + i % 3;
                Outcome<CombinedState<Rx, Stock>, Object> outcome = instances
                        .get(i % 3)
                        .dispenses
                        .handle(
                                new Dispense("rx-" + (i % 10), "aspirin", quantity),
                                CommandContext.withCommandId(commandId));
                if (outcome instanceof Outcome.Accepted<?, ?>) {
                    assertThat(outcome.state().second().onHand()).isNotNegative();
                    accepted.put(commandId, quantity);
                } else if (outcome instanceof Outcome.Rejected<?, ?> rejected) {
                    refused.put(commandId, rejected.rejection().code());
                } else {
                    throw new AssertionError("unexpected " + outcome);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(accepted.size() + refused.size()).isEqualTo(50);
        assertThat(instances.stream().mapToLong(x -> x.store.conflicts.get()).sum())
                .as("the instances overtook each other: conflicts were resolved")
                .isPositive();
        assertThat(refused).isNotEmpty();
        assertThat(refused.values()).contains("inventory.insufficient-stock");
        int sumAccepted = accepted.values().stream().mapToInt(Integer::intValue).sum();

        EventStore store = openStore(connections.get(0), config);
        List<RecordedEvent> stockEvents = store.readAll(ASPIRIN, ReadRange.all());
        int received = 0;
        int deducted = 0;
        int running = 0;
        Set<String> stored = new HashSet<>();
        for (RecordedEvent e : stockEvents) {
            StockEvent event = Dispensary.STOCK_EVENTS.decode(e.event());
            if (event instanceof Dispensary.Received r) {
                received += r.quantity();
                running += r.quantity();
            } else {
                deducted += ((Deducted) event).quantity();
                running -= ((Deducted) event).quantity();
                stored.add(e.commandId());
            }
            assertThat(running).as("stock after sequence %d", e.sequence()).isNotNegative();
        }
        assertThat(received).isEqualTo(20);
        assertThat(deducted).isEqualTo(sumAccepted);
        assertThat(received - deducted).isNotNegative();
        assertThat(setup.inventory.load("aspirin").state().onHand()).isEqualTo(received - sumAccepted);
        assertThat(stored).isEqualTo(accepted.keySet());

        Set<String> dispensedIds = new HashSet<>();
        int dispensedUnits = 0;
        for (int i = 0; i < 10; i++) {
            for (RecordedEvent e : store.readAll(EntityRef.of("prescription", "rx-" + i), ReadRange.all())) {
                RxEvent event = Dispensary.RX_EVENTS.decode(e.event());
                if (event instanceof Dispensed d) {
                    dispensedIds.add(e.commandId());
                    dispensedUnits += d.quantity();
                }
            }
        }
        assertThat(dispensedIds).isEqualTo(accepted.keySet());
        assertThat(dispensedUnits).isEqualTo(sumAccepted);
        for (String id : refused.keySet()) {
            assertThat(stored).doesNotContain(id);
            assertThat(dispensedIds).doesNotContain(id);
        }
    }

    @Test
    void aRetryAfterAConcurrentChangeReadsOnlyTheChangedTail() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.prescriptions.handle("rx-2", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(20));
        assertThat(a.dispenses.handle(new Dispense("rx-1", "aspirin", 1)).isAccepted())
                .isTrue();
        // another instance changes the stock only
        assertThat(b.dispenses.handle(new Dispense("rx-2", "aspirin", 2)).isAccepted())
                .isTrue();
        a.store.reset();

        Outcome<CombinedState<Rx, Stock>, Object> outcome = a.dispenses.handle(new Dispense("rx-1", "aspirin", 3));

        assertThat(outcome.isAccepted()).isTrue();
        assertThat(a.store.conflicts.get()).isEqualTo(1);
        assertThat(a.store.readsOf(ASPIRIN)).as("the stock's tail, read once").isEqualTo(1);
        assertThat(a.store.readsOf(EntityRef.of("prescription", "rx-1")))
                .as("the unchanged prescription is not read")
                .isZero();
        assertThat(outcome.state().second().onHand()).isEqualTo(20 - 1 - 2 - 3);
        assertThat(outcome.state().first().dispensed()).isEqualTo(4);
    }

    @Test
    void theEntitiesOwnCommandsAndQueriesSeeAnAcceptedDecisionWithoutReading() throws Exception {
        Instance a = new Instance();
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        Outcome<CombinedState<Rx, Stock>, Object> outcome = a.dispenses.handle(new Dispense("rx-1", "aspirin", 4));
        Outcome.Accepted<CombinedState<Rx, Stock>, Object> accepted =
                (Outcome.Accepted<CombinedState<Rx, Stock>, Object>) outcome;
        assertThat(accepted.eventsOf(EntityKey.of("inventory", "aspirin"))).hasSize(1);
        a.store.reset();

        Outcome<Stock, StockEvent> received = a.inventory.handle("aspirin", new Receive(1));

        assertThat(received.state().onHand()).isEqualTo(2);
        assertThat(a.store.readsOf(ASPIRIN))
                .as("the cached stock was up to date")
                .isZero();
        assertThat(received.version()).isEqualTo(accepted.versionOf(EntityKey.of("inventory", "aspirin")) + 1);
    }

    @Test
    void aRefusedDecisionStoresNothingOnEitherEntity() throws Exception {
        Instance a = new Instance();
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(2));
        long rxVersion = a.store.version(EntityRef.of("prescription", "rx-1"));
        long stockVersion = a.store.version(ASPIRIN);

        Outcome<CombinedState<Rx, Stock>, Object> outcome = a.dispenses.handle(new Dispense("rx-1", "aspirin", 3));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<?, ?>) outcome).rejection().code()).isEqualTo("inventory.insufficient-stock");
        assertThat(a.store.version(EntityRef.of("prescription", "rx-1"))).isEqualTo(rxVersion);
        assertThat(a.store.version(ASPIRIN)).isEqualTo(stockVersion);
        assertThat(a.store.appendsAcross.get()).isZero();
    }

    @Test
    void aReSentCommandIdIsAnsweredWithTheOriginalEvents() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        CommandContext ctx = CommandContext.withCommandId("dispense-once");
        Outcome.Accepted<?, ?> first =
                (Outcome.Accepted<?, ?>) a.dispenses.handle(new Dispense("rx-1", "aspirin", 2), ctx);

        Outcome<?, ?> again = a.dispenses.handle(new Dispense("rx-1", "aspirin", 2), ctx);
        Outcome<?, ?> elsewhere = b.dispenses.handle(new Dispense("rx-1", "aspirin", 2), ctx);

        for (Outcome<?, ?> resent : List.of(again, elsewhere)) {
            assertThat(resent).isInstanceOf(Outcome.Accepted.class);
            Outcome.Accepted<?, ?> accepted = (Outcome.Accepted<?, ?>) resent;
            assertThat(accepted.duplicate()).isTrue();
            assertThat(accepted.events()).isEqualTo(first.events());
        }
        assertThat(a.inventory.load("aspirin").state().onHand()).isEqualTo(3);
    }

    @Test
    void theStoreRecognisesAReSentBatchAsADuplicateEvenWithStaleGuards() throws Exception {
        Instance a = new Instance();
        EntityRef rx = EntityRef.of("prescription", "rx-1");
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        List<EntityVersion> guards = List.of(
                new EntityVersion(rx, a.store.version(rx)), new EntityVersion(ASPIRIN, a.store.version(ASPIRIN)));
        List<EntityEvent> events = List.of(
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensed(1))),
                new EntityEvent(ASPIRIN, Dispensary.STOCK_EVENTS.encode(new Deducted(1))));
        CommandContext ctx = CommandContext.withCommandId("batch-once");

        AppendAcrossResult first = a.store.appendAcross(guards, events, ctx);
        AppendAcrossResult second = a.store.appendAcross(guards, events, ctx);

        assertThat(first.duplicate()).isFalse();
        assertThat(second.duplicate()).isTrue();
        assertThat(second.sequences()).isEqualTo(first.sequences());
        assertThat(a.store.readAll(ASPIRIN, ReadRange.all())).hasSize(2);
    }

    /**
     * A re-send decided on other states (another instance's stale cache) may decide other events: the store answers
     * with the original events and their sequences, never stores the new ones, and never calls it a misuse.
     */
    @Test
    void aReSentBatchWithOtherEventsIsAnsweredWithTheOriginalOnes() throws Exception {
        Instance a = new Instance();
        EntityRef rx = EntityRef.of("prescription", "rx-1");
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        List<EntityVersion> guards = List.of(
                new EntityVersion(rx, a.store.version(rx)), new EntityVersion(ASPIRIN, a.store.version(ASPIRIN)));
        List<EntityEvent> original = List.of(
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensed(1))),
                new EntityEvent(ASPIRIN, Dispensary.STOCK_EVENTS.encode(new Deducted(1))));
        List<EntityEvent> decidedAgain = List.of(
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensed(1))),
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensary.Noted("again"))),
                new EntityEvent(ASPIRIN, Dispensary.STOCK_EVENTS.encode(new Deducted(1))));
        CommandContext ctx = CommandContext.withCommandId("decided-twice");

        AppendAcrossResult first = a.store.appendAcross(guards, original, ctx);
        AppendAcrossResult second = a.store.appendAcross(guards, decidedAgain, ctx);

        assertThat(second.duplicate()).isTrue();
        assertThat(second.events()).isEqualTo(original);
        assertThat(second.sequences()).isEqualTo(first.sequences());
        assertThat(a.store.readAll(rx, ReadRange.all())).hasSize(2);
        assertThat(a.store.readAll(ASPIRIN, ReadRange.all())).hasSize(2);
    }

    @Test
    void anEntityOnlyReadIsGuardedToo() throws Exception {
        Instance a = new Instance();
        EntityRef rx = EntityRef.of("prescription", "rx-1");
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(5));
        long rxVersion = a.store.version(rx);
        long staleStock = a.store.version(ASPIRIN);
        a.inventory.handle("aspirin", new Receive(1));
        List<EntityEvent> twoNotes = List.of(
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensary.Noted("a"))),
                new EntityEvent(rx, Dispensary.RX_EVENTS.encode(new Dispensary.Noted("b"))));

        assertThatThrownBy(() -> a.store.appendAcross(
                        List.of(new EntityVersion(rx, rxVersion), new EntityVersion(ASPIRIN, staleStock)),
                        twoNotes,
                        CommandContext.create()))
                .isInstanceOf(ConflictAcrossEntities.class);
        assertThat(a.store.version(rx)).isEqualTo(rxVersion);
        assertThatThrownBy(() -> a.store.appendAcross(
                        List.of(new EntityVersion(rx, rxVersion), new EntityVersion(ASPIRIN, staleStock + 1)),
                        twoNotes.subList(0, 1),
                        CommandContext.create()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guards at most n entities");

        // through the runtime (a generic MultiDecider): the stock changes between the load and the append
        Outcome<Dispensary.Seen, Object> noted = a.notes.handle(new NoteIfInStock("rx-1", "aspirin", 2));
        assertThat(noted.isAccepted()).isTrue();
        assertThat(noted.state().rx().notes()).isEqualTo(2);
        assertThat(a.store.version(ASPIRIN)).isEqualTo(noted.versionOf(EntityKey.of("inventory", "aspirin")));
    }

    @Test
    void withACommandIndexARefusedDecisionReSentAfterTheStockChangedIsRefusedAgain() throws Exception {
        Instance a = new Instance(true);
        a.prescriptions.handle("rx-1", new Prescribe(10));
        a.inventory.handle("aspirin", new Receive(2));
        CommandContext ctx = CommandContext.withCommandId("dispense-refused-once");
        Outcome<?, ?> refused = a.dispenses.handle(new Dispense("rx-1", "aspirin", 3), ctx);
        assertThat(refused).isInstanceOf(Outcome.Rejected.class);
        a.inventory.handle("aspirin", new Receive(5));
        Instance b = new Instance(true);
        long stock = b.store.version(ASPIRIN);

        Outcome<?, ?> again = b.dispenses.handle(new Dispense("rx-1", "aspirin", 3), ctx);

        assertThat(again).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<?, ?>) again).rejection().code()).isEqualTo("inventory.insufficient-stock");
        assertThat(b.store.version(ASPIRIN)).isEqualTo(stock);
        assertThat(b.store.appendsAcross.get()).isZero();
        // a new command id is decided on today's stock
        assertThat(b.dispenses.handle(new Dispense("rx-1", "aspirin", 3)).isAccepted())
                .isTrue();
    }
}
