package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A generic {@link MultiDecider} over two entities of one category (a transfer between accounts, a state keyed by id)
 * on the in-memory store: transfers in both directions at once never deadlock (the entities' locks are taken in one
 * order), never lose or create money, and never overdraw.
 */
class TransfersInMemoryTest {
    sealed interface AccountEvent permits Opened, Withdrawn, Deposited {}

    record Opened(int balance) implements AccountEvent {}

    record Withdrawn(int amount) implements AccountEvent {}

    record Deposited(int amount) implements AccountEvent {}

    record Open(int balance) {}

    record Transfer(String from, String to, int amount) {}

    static final class Overdrawn extends DomainRejection {
        private static final long serialVersionUID = 1L;

        Overdrawn() {
            super("account.overdrawn", "not enough money");
        }
    }

    static int apply(int balance, AccountEvent event) {
        if (event instanceof Opened o) {
            return o.balance();
        }
        if (event instanceof Withdrawn w) {
            return balance - w.amount();
        }
        return balance + ((Deposited) event).amount();
    }

    static final Decider<Open, Integer, AccountEvent> ACCOUNT =
            Decider.of(0, (open, balance) -> List.of(new Opened(open.balance())), TransfersInMemoryTest::apply);

    static final MultiDecider<Transfer, Map<String, Integer>, AccountEvent> TRANSFER = MultiDecider.of(
            t -> List.of(EntityKey.of("account", t.from()), EntityKey.of("account", t.to())),
            Map.of(),
            (balances, entity, event) -> {
                Map<String, Integer> next = new HashMap<>(balances);
                next.put(entity.id(), apply(balances.getOrDefault(entity.id(), 0), event));
                return next;
            },
            (t, balances) -> {
                if (balances.getOrDefault(t.from(), 0) < t.amount()) {
                    throw new Overdrawn();
                }
                return List.of(
                        Routed.to(EntityKey.of("account", t.from()), new Withdrawn(t.amount())),
                        Routed.to(EntityKey.of("account", t.to()), new Deposited(t.amount())));
            });

    @Test
    void transfersBothWaysAtOnceKeepTheTotalAndNeverOverdraw() throws Exception {
        InMemoryEventStore store = InMemoryEventStore.create();
        try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
            EntityHandle<Open, Integer, AccountEvent> accounts = openAccounts(runtime);
            MultiEntityHandle<Transfer, Map<String, Integer>, AccountEvent> transfers =
                    runtime.register(MultiRegistration.of("transfer", TRANSFER));

            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger refused = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            String[][] routes = {{"a", "b"}, {"b", "a"}, {"a", "c"}, {"c", "b"}, {"b", "c"}, {"c", "a"}};
            for (int i = 0; i < 600; i++) {
                String[] route = routes[i % routes.length];
                int amount = 1 + i % 7;
                futures.add(pool.submit(() -> {
                    Outcome<Map<String, Integer>, AccountEvent> o =
                            transfers.handle(new Transfer(route[0], route[1], amount));
                    if (o instanceof Outcome.Rejected<?, ?>) {
                        refused.incrementAndGet();
                    } else {
                        assertThat(o.state().get(route[0])).isNotNegative();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS); // a lock-order deadlock would time out here
            }
            pool.shutdown();

            assertMoneyKept(accounts);
            assertThat(store.allEvents()).hasSize(3 + 2 * (600 - refused.get()));
        }
    }

    /**
     * The same transfers through {@code handleAsync} from 8 threads: commands over overlapping accounts wait for each
     * other's turns (queued together, so two transfers in opposite directions never wait for each other), so one
     * runtime never conflicts with itself – with a single attempt, none gives up – and the money is kept.
     */
    @Test
    void asyncTransfersBothWaysTakeTurnsWithoutDeadlockOrConflict() throws Exception {
        InMemoryEventStore store = InMemoryEventStore.create();
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(1))
                .build()) {
            EntityHandle<Open, Integer, AccountEvent> accounts = openAccounts(runtime);
            MultiEntityHandle<Transfer, Map<String, Integer>, AccountEvent> transfers =
                    runtime.register(MultiRegistration.of("transfer", TRANSFER));

            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<CompletableFuture<Outcome<Map<String, Integer>, AccountEvent>>>> submitted = new ArrayList<>();
            String[][] routes = {{"a", "b"}, {"b", "a"}, {"a", "c"}, {"c", "b"}, {"b", "c"}, {"c", "a"}};
            for (int i = 0; i < 600; i++) {
                String[] route = routes[i % routes.length];
                int amount = 1 + i % 7;
                submitted.add(pool.submit(() -> transfers.handleAsync(new Transfer(route[0], route[1], amount))));
            }
            int refused = 0;
            for (Future<CompletableFuture<Outcome<Map<String, Integer>, AccountEvent>>> f : submitted) {
                // a deadlock of turns would time out here, a conflict would fail with ConflictRetriesExhausted
                Outcome<Map<String, Integer>, AccountEvent> o =
                        f.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
                if (o instanceof Outcome.Rejected<?, ?>) {
                    refused++;
                }
            }
            pool.shutdown();

            assertMoneyKept(accounts);
            assertThat(store.allEvents()).hasSize(3 + 2 * (600 - refused));
        }
    }

    /** Accounts a and b with 50 each, c empty. */
    private static EntityHandle<Open, Integer, AccountEvent> openAccounts(CommandRuntime runtime) {
        EntityHandle<Open, Integer, AccountEvent> accounts =
                runtime.register("account", ACCOUNT, JsonEventCodec.of(AccountEvent.class));
        accounts.handle("a", new Open(50));
        accounts.handle("b", new Open(50));
        accounts.handle("c", new Open(0));
        return accounts;
    }

    /** The three accounts still hold 100 together, none overdrawn. */
    private static void assertMoneyKept(EntityHandle<Open, Integer, AccountEvent> accounts) {
        int a = accounts.load("a").state();
        int b = accounts.load("b").state();
        int c = accounts.load("c").state();
        assertThat(a + b + c).isEqualTo(100);
        assertThat(List.of(a, b, c)).allMatch(balance -> balance >= 0);
    }
}
