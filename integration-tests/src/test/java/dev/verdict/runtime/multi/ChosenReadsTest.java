package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.ChosenRead;
import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityRead;
import dev.verdict.decider.MultiDecider;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.multi.Dispensary.Deducted;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.runtime.multi.Dispensary.Stock;
import dev.verdict.runtime.multi.Dispensary.StockCommand;
import dev.verdict.runtime.multi.Dispensary.StockEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Decisions whose second entity is chosen from what the first holds ({@link ChosenRead}): a label names the drug whose
 * stock a take deducts. The command names the label only; the runtime reads the label, then the stock it names, and
 * guards both in the one atomic batch – a relabel by another instance in between fails the append, and the retry
 * chooses again on the label's new state.
 */
class ChosenReadsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    sealed interface LabelEvent permits Labelled, Taken {}

    record Labelled(String drug) implements LabelEvent {}

    record Taken(int quantity) implements LabelEvent {}

    /** A label's state: the drug it names ("" before it is labelled). */
    static final Decider<String, String, LabelEvent> LABEL = Decider.of(
            "",
            (drug, current) -> List.of(new Labelled(drug)),
            (current, e) -> e instanceof Labelled l ? l.drug() : current);

    record Take(String label, int quantity) {}

    static final MultiDecider<Take, CombinedState<String, Stock>, Object> TAKE = MultiDecider.of(
            EntityRead.of("label", Take::label, LABEL),
            ChosenRead.of(
                    "inventory",
                    (Take take, String drug) -> drug.isEmpty() ? Optional.<String>empty() : Optional.of(drug),
                    Dispensary.STOCK),
            (take, drug, stock) -> {
                if (take.quantity() > stock.onHand()) {
                    throw new Dispensary.InsufficientStock(take.quantity(), stock.onHand());
                }
                return new MultiDecider.EventsOfBoth<LabelEvent, StockEvent>(
                        List.of(new Taken(take.quantity())), List.of(new Deducted(take.quantity())));
            });

    /** One instance: its own connection, store and runtime. */
    private static final class Instance implements AutoCloseable {
        final CountingStore store;
        final CommandRuntime runtime;
        final EntityHandle<String, String, LabelEvent> labels;
        final EntityHandle<StockCommand, Stock, StockEvent> inventory;
        final MultiEntityHandle<Take, CombinedState<String, Stock>, Object> takes;

        Instance(StoreName name) throws Exception {
            this(name, ConflictRetryPolicy.defaults());
        }

        Instance(StoreName name, ConflictRetryPolicy retry) throws Exception {
            store = new CountingStore(NatsEventStore.create(
                    NATS.server().connect(),
                    NatsEventStoreConfig.builder()
                            .storeName(name)
                            .requestTimeout(Duration.ofSeconds(5))
                            .build()));
            runtime = CommandRuntime.builder(store).retryPolicy(retry).build();
            labels = runtime.register("label", LABEL, JsonEventCodec.of(LabelEvent.class));
            inventory = runtime.register("inventory", Dispensary.STOCK, Dispensary.STOCK_EVENTS);
            takes = runtime.register(MultiRegistration.of("take", TAKE));
        }

        @Override
        public void close() {
            runtime.close();
        }
    }

    @Test
    void theStockTheLabelNamesIsReadGuardedAndChosenAgainAfterARelabel() throws Exception {
        StoreName name = StoreName.of("chosen" + STORES.incrementAndGet());
        try (Instance a = new Instance(name);
                Instance b = new Instance(name)) {
            b.labels.handle("shelf-1", "aspirin");
            b.inventory.handle("aspirin", new Receive(10));
            b.inventory.handle("ibuprofen", new Receive(5));

            Outcome<CombinedState<String, Stock>, Object> first = a.takes.handle(new Take("shelf-1", 3));
            assertThat(first.isAccepted()).isTrue();
            assertThat(first.state().first()).isEqualTo("aspirin");
            assertThat(first.state().second().onHand()).isEqualTo(7);
            assertThat(first.versions().keySet())
                    .containsExactly(EntityRef.of("label", "shelf-1"), EntityRef.of("inventory", "aspirin"));

            // another instance relabels the shelf: a's cached label (and its choice, aspirin) is stale
            b.labels.handle("shelf-1", "ibuprofen");
            a.store.reset();

            Outcome<CombinedState<String, Stock>, Object> second =
                    a.takes.handleAsync(new Take("shelf-1", 2)).get(30, TimeUnit.SECONDS);

            assertThat(second.isAccepted()).isTrue();
            assertThat(a.store.conflicts.get())
                    .as("the label, only read by the first choice, was guarded")
                    .isEqualTo(1);
            assertThat(second.state().first()).isEqualTo("ibuprofen");
            assertThat(second.state().second().onHand()).isEqualTo(3);
            assertThat(second.versions().keySet())
                    .containsExactly(EntityRef.of("label", "shelf-1"), EntityRef.of("inventory", "ibuprofen"));
            assertThat(b.inventory.load("aspirin").state().onHand())
                    .as("the stock chosen before the relabel is untouched")
                    .isEqualTo(7);
            assertThat(b.inventory.load("ibuprofen").state().onHand()).isEqualTo(3);
        }
    }

    @Test
    void anUnlabelledShelfReadsNoStockAndTheDecisionSeesItsInitialState() throws Exception {
        StoreName name = StoreName.of("chosen" + STORES.incrementAndGet());
        try (Instance a = new Instance(name)) {
            Outcome<CombinedState<String, Stock>, Object> outcome = a.takes.handle(new Take("shelf-9", 1));

            assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
            assertThat(((Outcome.Rejected<?, ?>) outcome).rejection().code()).isEqualTo("inventory.insufficient-stock");
            assertThat(outcome.versions().keySet()).containsExactly(EntityRef.of("label", "shelf-9"));
        }
    }

    /**
     * Takes from three shelves that all name one drug, from 8 threads of one runtime with a single attempt each: the
     * runtime serializes them on the stock their cached labels choose, so none conflicts with another (without that
     * they collide on the stock and give up).
     */
    @Test
    void commandsOfOneRuntimeOnAChosenEntityQueueInsteadOfConflicting() throws Exception {
        StoreName name = StoreName.of("chosen" + STORES.incrementAndGet());
        try (Instance a = new Instance(name, ConflictRetryPolicy.defaults().withMaxAttempts(1))) {
            for (int shelf = 0; shelf < 3; shelf++) {
                a.labels.handle("shelf-" + shelf, "aspirin");
            }
            a.inventory.handle("aspirin", new Receive(100));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                // blocking handles (locks), then asynchronous ones (turns): each kind queues on the chosen stock
                List<Future<Outcome<CombinedState<String, Stock>, Object>>> outcomes = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    Take take = new Take("shelf-" + (i % 3), 1);
                    outcomes.add(pool.submit(() -> a.takes.handle(take)));
                }
                for (Future<Outcome<CombinedState<String, Stock>, Object>> outcome : outcomes) {
                    assertThat(outcome.get(60, TimeUnit.SECONDS).isAccepted()).isTrue();
                }
                List<CompletableFuture<Outcome<CombinedState<String, Stock>, Object>>> later = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    later.add(a.takes.handleAsync(new Take("shelf-" + (i % 3), 1)));
                }
                for (CompletableFuture<Outcome<CombinedState<String, Stock>, Object>> outcome : later) {
                    assertThat(outcome.get(60, TimeUnit.SECONDS).isAccepted()).isTrue();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(a.inventory.load("aspirin").state().onHand()).isEqualTo(100 - 48);
        }
    }
}
