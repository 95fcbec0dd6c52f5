package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.CombinedState;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.multi.Dispensary.Dispense;
import dev.verdict.runtime.multi.Dispensary.Prescribe;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.runtime.multi.Dispensary.Rx;
import dev.verdict.runtime.multi.Dispensary.RxCommand;
import dev.verdict.runtime.multi.Dispensary.RxEvent;
import dev.verdict.runtime.multi.Dispensary.Stock;
import dev.verdict.runtime.multi.Dispensary.StockCommand;
import dev.verdict.runtime.multi.Dispensary.StockEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code MultiEntityHandle.handleAsync} on a real server runs on the one asynchronous pipeline: a decision over cached
 * entities is decided on the calling thread and appended by asynchronous requests (the batch's first message and its
 * commit), no task of the runtime's executor runs and no thread waits for NATS; after a conflict it catches up and
 * retries like {@code handle}.
 */
class MultiEntityAsyncTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private static NatsEventStore newStore(StoreName name) throws Exception {
        return NatsEventStore.create(
                NATS.server().connect(),
                NatsEventStoreConfig.builder()
                        .storeName(name)
                        .requestTimeout(Duration.ofSeconds(5))
                        .build());
    }

    /** Counts the tasks the runtime hands to its executor (and runs them on a pool). */
    private static final class CountingExecutor implements java.util.concurrent.Executor {
        final AtomicInteger tasks = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(2);

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            pool.execute(task);
        }
    }

    @Test
    void aDecisionOverCachedEntitiesRunsNoTaskOnTheExecutor() throws Exception {
        StoreName name = StoreName.of("multiasync" + STORES.incrementAndGet());
        CountingExecutor executor = new CountingExecutor();
        try (CommandRuntime runtime = CommandRuntime.builder(newStore(name))
                .asyncExecutor(executor)
                .completeInline()
                .build()) {
            EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                    runtime.register("prescription", Dispensary.RX, Dispensary.RX_EVENTS);
            EntityHandle<StockCommand, Stock, StockEvent> inventory =
                    runtime.register("inventory", Dispensary.STOCK, Dispensary.STOCK_EVENTS);
            MultiEntityHandle<Dispense, CombinedState<Rx, Stock>, Object> dispenses =
                    runtime.register(MultiRegistration.of("dispense", Dispensary.DISPENSE));
            prescriptions.handle("rx-1", new Prescribe(10));
            inventory.handle("aspirin", new Receive(20)); // both cached now
            executor.tasks.set(0);

            for (int i = 1; i <= 3; i++) {
                Outcome<CombinedState<Rx, Stock>, Object> outcome = dispenses
                        .handleAsync(new Dispense("rx-1", "aspirin", 1))
                        .get(30, TimeUnit.SECONDS);
                assertThat(outcome.isAccepted()).isTrue();
                assertThat(outcome.state().second().onHand()).isEqualTo(20 - i);
            }

            assertThat(executor.tasks.get())
                    .as("tasks handed to the runtime's executor by three warm decisions over two entities")
                    .isZero();
            assertThat(inventory.load("aspirin").state().onHand()).isEqualTo(17);
        } finally {
            executor.pool.shutdownNow();
        }
    }

    @Test
    void anAsyncDecisionOvertakenByAnotherInstanceCatchesUpAndIsAccepted() throws Exception {
        StoreName name = StoreName.of("multiasync" + STORES.incrementAndGet());
        try (CommandRuntime ra = CommandRuntime.builder(newStore(name)).build();
                CommandRuntime rb = CommandRuntime.builder(newStore(name)).build()) {
            Instance a = new Instance(ra);
            Instance b = new Instance(rb);
            b.prescriptions.handle("rx-1", new Prescribe(10));
            b.prescriptions.handle("rx-2", new Prescribe(10));
            b.inventory.handle("aspirin", new Receive(20));
            assertThat(a.dispenses
                            .handleAsync(new Dispense("rx-1", "aspirin", 1))
                            .get(30, TimeUnit.SECONDS)
                            .isAccepted())
                    .isTrue();
            // the other instance takes stock: a's cached stock is stale, its next append conflicts
            assertThat(b.dispenses.handle(new Dispense("rx-2", "aspirin", 5)).isAccepted())
                    .isTrue();

            Outcome<CombinedState<Rx, Stock>, Object> outcome =
                    a.dispenses.handleAsync(new Dispense("rx-1", "aspirin", 2)).get(30, TimeUnit.SECONDS);

            assertThat(outcome.isAccepted()).isTrue();
            assertThat(outcome.state().second().onHand()).isEqualTo(20 - 1 - 5 - 2);
            assertThat(outcome.state().first().dispensed()).isEqualTo(3);
            assertThat(b.inventory.load("aspirin").state().onHand()).isEqualTo(12);
        }
    }

    /**
     * 64 warm decisions over two entities each, sent at once: more atomic batches than the server accepts in flight on
     * a stream (50; more are refused with 10210). The store keeps at most 32 of its asynchronous batches in flight, the
     * rest wait – every decision is accepted.
     */
    @Test
    void moreAsyncDecisionsThanTheServerTakesBatchesAtOnceWaitInsteadOfBeingRefused() throws Exception {
        StoreName name = StoreName.of("multiasync" + STORES.incrementAndGet());
        try (CommandRuntime runtime = CommandRuntime.builder(newStore(name)).build()) {
            Instance a = new Instance(runtime);
            int decisions = 64;
            for (int i = 0; i < decisions; i++) {
                a.prescriptions.handle("rx-" + i, new Prescribe(10));
                a.inventory.handle("drug-" + i, new Receive(10));
            }
            List<CompletableFuture<Outcome<CombinedState<Rx, Stock>, Object>>> outcomes = new ArrayList<>();
            for (int i = 0; i < decisions; i++) {
                outcomes.add(a.dispenses.handleAsync(new Dispense("rx-" + i, "drug-" + i, 1)));
            }
            for (CompletableFuture<Outcome<CombinedState<Rx, Stock>, Object>> outcome : outcomes) {
                assertThat(outcome.get(60, TimeUnit.SECONDS).isAccepted()).isTrue();
            }
        }
    }

    /** One instance's handles. */
    private static final class Instance {
        final EntityHandle<RxCommand, Rx, RxEvent> prescriptions;
        final EntityHandle<StockCommand, Stock, StockEvent> inventory;
        final MultiEntityHandle<Dispense, CombinedState<Rx, Stock>, Object> dispenses;

        Instance(CommandRuntime runtime) {
            prescriptions = runtime.register("prescription", Dispensary.RX, Dispensary.RX_EVENTS);
            inventory = runtime.register("inventory", Dispensary.STOCK, Dispensary.STOCK_EVENTS);
            dispenses = runtime.register(MultiRegistration.of("dispense", Dispensary.DISPENSE));
        }
    }
}
