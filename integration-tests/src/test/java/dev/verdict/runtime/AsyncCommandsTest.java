package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code handleAsync} against a real nats-server: ordering per entity, the bound on commands in flight, cancellation
 * and the loss of the server while commands are in flight.
 */
class AsyncCommandsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    /** A server of its own: the server-loss test stops and restarts it. */
    @RegisterExtension
    static final NatsServerExtension LOSABLE = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();
    private static final Duration AWAIT = Duration.ofSeconds(120);

    private static NatsEventStore newStore(Connection connection) {
        return NatsEventStore.create(
                connection,
                NatsEventStoreConfig.builder()
                        .storeName(StoreName.of("async" + STORES.incrementAndGet()))
                        .requestTimeout(Duration.ofSeconds(1))
                        .build());
    }

    /** The amount of command {@code index} of submitter {@code thread}: both can be read back from the event. */
    private static int amount(int thread, int index) {
        return thread * 10_000 + index + 1;
    }

    /**
     * 1,000 appends to 10 entities from 8 threads, in two runtimes over one store (two processes: their commands to
     * one entity conflict, so the asynchronous retry – scheduled backoff, catch-up, decide again – runs too; one of
     * them completes its futures inline). Each
     * entity's events are in submission order per submitting thread, each accepted command is stored exactly once,
     * the versions one thread sees for one entity strictly increase, and a command whose retries ran out stored
     * nothing.
     */
    @Test
    void commandsForOneEntityAreDecidedInSubmissionOrderUnderManyConcurrentCalls() throws Exception {
        NatsEventStore store = newStore(NATS.connection());
        int threads = 8;
        int perThread = 125;
        int entities = 10;
        List<CommandRuntime> runtimes = new ArrayList<>();
        List<EntityHandle<Counter.Command, Counter, Event>> handles = new ArrayList<>();
        RecordingMetrics metrics = new RecordingMetrics();
        for (int r = 0; r < 2; r++) {
            CommandRuntime.Builder builder = CommandRuntime.builder(store)
                    .metrics(metrics)
                    .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(20));
            if (r == 1) {
                builder.completeInline(); // one runtime completes its futures on the NATS thread
            }
            CommandRuntime runtime = builder.build();
            runtimes.add(runtime);
            handles.add(runtime.register("counter", Counter.DECIDER, Counter.EVENTS));
        }
        // per thread, per entity: the futures in submission order
        List<Map<Integer, List<CompletableFuture<Outcome<Counter, Event>>>>> submitted = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> submitters = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Map<Integer, List<CompletableFuture<Outcome<Counter, Event>>>> mine = new HashMap<>();
                submitted.add(mine);
                EntityHandle<Counter.Command, Counter, Event> handle = handles.get(t % 2);
                submitters.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                start.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                            for (int i = 0; i < perThread; i++) {
                                int entity = (i + thread) % entities;
                                mine.computeIfAbsent(entity, e -> new ArrayList<>())
                                        .add(handle.handleAsync(
                                                "e" + entity,
                                                new Add(amount(thread, i), Integer.MAX_VALUE),
                                                CommandContext.withCommandId("t" + thread + "-" + i)));
                            }
                        },
                        pool));
            }
            start.countDown();
            CompletableFuture.allOf(submitters.toArray(CompletableFuture[]::new))
                    .get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            List<CompletableFuture<?>> all = new ArrayList<>();
            submitted.forEach(m -> m.values().forEach(all::addAll));
            assertThat(all).hasSize(threads * perThread);
            CompletableFuture.allOf(
                            all.stream().map(f -> f.handle((o, e) -> null)).toArray(CompletableFuture[]::new))
                    .get(AWAIT.toSeconds(), TimeUnit.SECONDS);

            int exhausted = 0;
            for (int t = 0; t < threads; t++) {
                for (Map.Entry<Integer, List<CompletableFuture<Outcome<Counter, Event>>>> e :
                        submitted.get(t).entrySet()) {
                    long lastVersion = 0;
                    for (CompletableFuture<Outcome<Counter, Event>> f : e.getValue()) {
                        try {
                            Outcome<Counter, Event> outcome = f.join();
                            assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
                            assertThat(outcome.version()).isGreaterThan(lastVersion);
                            lastVersion = outcome.version();
                        } catch (CompletionException failure) {
                            assertThat(failure.getCause()).isInstanceOf(ConflictRetriesExhausted.class);
                            exhausted++;
                        }
                    }
                }
            }
            int stored = 0;
            for (int entity = 0; entity < entities; entity++) {
                List<RecordedEvent> events = store.readAll(EntityRef.of("counter", "e" + entity), ReadRange.all());
                Map<Integer, Integer> lastIndexPerThread = new HashMap<>();
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (RecordedEvent event : events) {
                    assertThat(ids.add(event.commandId()))
                            .as("command %s stored once", event.commandId())
                            .isTrue();
                    Added added = (Added) Counter.EVENTS.decode(event.event());
                    int thread = added.amount() / 10_000;
                    int index = added.amount() % 10_000 - 1;
                    assertThat(event.commandId()).isEqualTo("t" + thread + "-" + index);
                    Integer before = lastIndexPerThread.put(thread, index);
                    if (before != null) {
                        assertThat(index)
                                .as("events of thread %d on e%d in submission order", thread, entity)
                                .isGreaterThan(before);
                    }
                }
                stored += events.size();
            }
            assertThat(stored + exhausted).isEqualTo(threads * perThread);
            assertThat(metrics.count("command.ACCEPTED")).isEqualTo(stored);
            assertThat(metrics.count("command.RETRIES_EXHAUSTED")).isEqualTo(exhausted);
            System.out.printf(
                    "ordering: %d stored, %d retries exhausted, %d conflicts, %d retries%n",
                    stored, exhausted, metrics.count("conflict"), metrics.count("retry"));
            for (CommandRuntime runtime : runtimes) {
                assertThat(runtime.commandsInFlight()).isZero();
            }
        } finally {
            pool.shutdownNow();
            runtimes.forEach(CommandRuntime::close);
        }
    }

    /**
     * Another process appends behind the runtime's cache: an accepted command conflicts, backs off (scheduled),
     * catches up and is decided again; a no-op decided on the stale cache is confirmed against the version, caught up
     * and decided again (here: rejected, the counter was closed meanwhile) – as {@code handle} does.
     */
    @Test
    void aStaleCacheIsCaughtUpAndTheCommandDecidedAgainWithoutBlocking() throws Exception {
        NatsEventStore store = newStore(NATS.connection());
        RecordingMetrics metrics = new RecordingMetrics();
        try (CommandRuntime runtime =
                        CommandRuntime.builder(store).metrics(metrics).build();
                CommandRuntime other = CommandRuntime.builder(store).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
            EntityHandle<Counter.Command, Counter, Event> elsewhere =
                    other.register("counter", Counter.DECIDER, Counter.EVENTS);
            assertThat(counters.handleAsync("x", new Add(1)).get(AWAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(Outcome.Accepted.class);
            elsewhere.handle("x", new Add(5));

            Outcome<Counter, Event> retried =
                    counters.handleAsync("x", new Add(1)).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(retried).isInstanceOf(Outcome.Accepted.class);
            assertThat(retried.state().value()).isEqualTo(7);
            assertThat(metrics.count("conflict")).isEqualTo(1);
            assertThat(metrics.count("retry")).isEqualTo(1);

            elsewhere.handle("x", new Counter.Close());
            Outcome<Counter, Event> confirmed =
                    counters.handleAsync("x", new Add(0)).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(confirmed).isInstanceOf(Outcome.Rejected.class);
            assertThat(confirmed.version()).isEqualTo(store.version(EntityRef.of("counter", "x")));
            assertThat(confirmed.state().closed()).isTrue();
        }
    }

    /**
     * With {@code maxInFlight(8)} and 8 commands held in flight (their executor paused), the 9th and later are
     * refused at once with the typed exception; nothing of them is stored; once the 8 finish the runtime takes
     * commands again.
     */
    @Test
    void beyondTheBoundCommandsAreRefusedWithATypedExceptionAndNothingIsStored() throws Exception {
        NatsEventStore store = newStore(NATS.connection());
        GatedExecutor executor = new GatedExecutor();
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .asyncExecutor(executor)
                .maxInFlight(8)
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
            List<CompletableFuture<Outcome<Counter, Event>>> admitted = new ArrayList<>();
            List<CompletableFuture<Outcome<Counter, Event>>> refused = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // two cold entities: their first commands wait for the paused executor, the others for their turn
                CompletableFuture<Outcome<Counter, Event>> f =
                        counters.handleAsync("c" + (i % 2), new Add(1), CommandContext.withCommandId("bp-" + i));
                (i < 8 ? admitted : refused).add(f);
            }
            assertThat(runtime.commandsInFlight()).isEqualTo(8);
            for (CompletableFuture<Outcome<Counter, Event>> f : refused) {
                assertThat(f).isCompletedExceptionally();
                Throwable cause = causeOf(f);
                assertThat(cause).isInstanceOf(CommandsInFlightExceeded.class);
                assertThat(((CommandsInFlightExceeded) cause).maxInFlight()).isEqualTo(8);
                assertThat(cause.getMessage()).contains("nothing was decided or stored");
            }
            assertThat(admitted).noneMatch(CompletableFuture::isDone);

            executor.open();
            for (CompletableFuture<Outcome<Counter, Event>> f : admitted) {
                assertThat(f.get(AWAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
            }
            assertThat(commandIds(store, "c0")).containsExactly("bp-0", "bp-2", "bp-4", "bp-6");
            assertThat(commandIds(store, "c1")).containsExactly("bp-1", "bp-3", "bp-5", "bp-7");
            awaitNoneInFlight(runtime);

            // usable afterwards, also for a command refused before (same id: never stored, so decided now)
            Outcome<Counter, Event> later = counters.handleAsync(
                            "c0", new Add(1), CommandContext.withCommandId("bp-10"))
                    .get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(later).isInstanceOf(Outcome.Accepted.class);
            assertThat(later.state().value()).isEqualTo(5);
            assertThat(((Outcome.Accepted<Counter, Event>) later).duplicate()).isFalse();
        } finally {
            executor.shutdown();
        }
    }

    /**
     * Cancelling the returned future never corrupts the entity: a started command is stored once or not at all, a
     * command cancelled while waiting for its turn is never decided, and later commands see exactly the stored
     * events.
     */
    @Test
    void cancellingAFutureStoresTheCommandOnceOrNotAtAllAndLaterCommandsWork() throws Exception {
        NatsEventStore store = newStore(NATS.connection());
        GatedExecutor executor = new GatedExecutor();
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).asyncExecutor(executor).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
            // held: the first command's cold load waits for the paused executor, the rest for their turn
            List<CompletableFuture<Outcome<Counter, Event>>> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held.add(counters.handleAsync("held", new Add(1), CommandContext.withCommandId("held-" + i)));
            }
            assertThat(held.get(0).cancel(true)).isTrue(); // started: its load is queued on the executor
            assertThat(held.get(2).cancel(true)).isTrue(); // waiting for its turn
            assertThat(held.get(3).cancel(true)).isTrue();
            executor.open();
            for (int i : new int[] {1, 4, 5}) {
                assertThat(held.get(i).get(AWAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
            }
            assertThat(held.get(0)).isCancelled();
            List<String> heldIds = commandIds(store, "held");
            assertThat(heldIds).doesNotContain("held-2", "held-3").contains("held-1", "held-4", "held-5");
            assertThat(heldIds).doesNotHaveDuplicates();

            // many commands on the wire, a third of them cancelled right away
            List<CompletableFuture<Outcome<Counter, Event>>> running = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                CompletableFuture<Outcome<Counter, Event>> f =
                        counters.handleAsync("w" + (i % 5), new Add(1), CommandContext.withCommandId("w-" + i));
                if (i % 3 == 0) {
                    f.cancel(true);
                }
                running.add(f);
            }
            for (int i = 0; i < running.size(); i++) {
                if (i % 3 != 0) {
                    assertThat(running.get(i).get(AWAIT.toSeconds(), TimeUnit.SECONDS))
                            .isInstanceOf(Outcome.Accepted.class);
                }
            }
            awaitNoneInFlight(runtime);
            for (int e = 0; e < 5; e++) {
                String id = "w" + e;
                List<String> ids = commandIds(store, id);
                assertThat(ids).doesNotHaveDuplicates();
                for (int i = e; i < running.size(); i += 5) {
                    if (i % 3 != 0) {
                        assertThat(ids).contains("w-" + i);
                    }
                }
                // the cached state equals the stored events, and a later command builds on it
                Outcome<Counter, Event> next =
                        counters.handleAsync(id, new Add(1)).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(next.state().value()).isEqualTo(ids.size() + 1);
                assertThat(next.version()).isEqualTo(store.version(EntityRef.of("counter", id)));
            }
            Outcome<Counter, Event> afterHeld =
                    counters.handleAsync("held", new Add(1)).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(afterHeld.state().value()).isEqualTo(heldIds.size() + 1);
        } finally {
            executor.shutdown();
        }
    }

    /**
     * A long queue of one entity's commands that finish at once (here: cancelled while waiting) never nests turns
     * deeply enough to overflow the stack; the last command still runs, after all of them.
     */
    @Test
    void aLongChainOfCommandsThatFinishAtOnceDoesNotOverflowTheStack() throws Exception {
        NatsEventStore store = newStore(NATS.connection());
        GatedExecutor executor = new GatedExecutor();
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .asyncExecutor(executor)
                .maxInFlight(50_000)
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
            CompletableFuture<Outcome<Counter, Event>> first = counters.handleAsync("long", new Add(1));
            List<CompletableFuture<Outcome<Counter, Event>>> cancelled = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                CompletableFuture<Outcome<Counter, Event>> f = counters.handleAsync("long", new Add(1));
                f.cancel(false);
                cancelled.add(f);
            }
            CompletableFuture<Outcome<Counter, Event>> last = counters.handleAsync("long", new Add(1));
            executor.open();
            assertThat(first.get(AWAIT.toSeconds(), TimeUnit.SECONDS).state().value())
                    .isEqualTo(1);
            assertThat(last.get(AWAIT.toSeconds(), TimeUnit.SECONDS).state().value())
                    .isEqualTo(2);
            assertThat(cancelled).allMatch(CompletableFuture::isCancelled);
            awaitNoneInFlight(runtime);
            assertThat(commandIds(store, "long")).hasSize(2);
        } finally {
            executor.shutdown();
        }
    }

    /**
     * The server stops while commands are in flight: every future completes – accepted, or failed with {@link
     * EventStoreUnavailable} (outcome unknown), never silently lost – and after the restart each failed command
     * re-sent with the same context is stored exactly once.
     */
    @Test
    void whenTheServerIsLostFuturesFailWithUnknownOutcomeAndAResendIsStoredOnce() throws Exception {
        NatsServer server = LOSABLE.server();
        try (Connection connection = server.connect()) {
            NatsEventStore store = newStore(connection);
            try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
                EntityHandle<Counter.Command, Counter, Event> counters =
                        runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
                int entities = 20;
                for (int e = 0; e < entities; e++) {
                    counters.handle("s" + e, new Add(1), CommandContext.withCommandId("warm-" + e));
                }
                Map<String, CompletableFuture<Outcome<Counter, Event>>> inFlight = new java.util.LinkedHashMap<>();
                Map<String, CommandContext> contexts = new HashMap<>();
                for (int i = 0; i < 100; i++) {
                    CommandContext context = CommandContext.withCommandId("loss-" + i);
                    contexts.put(context.commandId(), context);
                    inFlight.put(context.commandId(), counters.handleAsync("s" + (i % entities), new Add(1), context));
                    if (i == 20) {
                        server.stop();
                    }
                }
                List<String> unknown = Collections.synchronizedList(new ArrayList<>());
                int accepted = 0;
                for (Map.Entry<String, CompletableFuture<Outcome<Counter, Event>>> e : inFlight.entrySet()) {
                    try {
                        assertThat(e.getValue().get(AWAIT.toSeconds(), TimeUnit.SECONDS))
                                .isInstanceOf(Outcome.Accepted.class);
                        accepted++;
                    } catch (java.util.concurrent.ExecutionException failure) {
                        assertThat(failure.getCause())
                                .as("command %s", e.getKey())
                                .isInstanceOf(EventStoreUnavailable.class);
                        unknown.add(e.getKey());
                    }
                }
                assertThat(accepted + unknown.size()).isEqualTo(100);
                assertThat(unknown)
                        .as("commands in flight when the server stopped")
                        .isNotEmpty();
                assertThat(runtime.commandsInFlight()).isZero();

                server.start();
                for (String id : unknown) {
                    int i = Integer.parseInt(id.substring("loss-".length()));
                    Outcome<Counter, Event> resent =
                            resendUntilAnswered(counters, "s" + (i % entities), contexts.get(id));
                    assertThat(resent).as("re-sent %s", id).isInstanceOf(Outcome.Accepted.class);
                }
                Map<String, Integer> stored = new HashMap<>();
                for (int e = 0; e < entities; e++) {
                    for (String id : commandIds(store, "s" + e)) {
                        stored.merge(id, 1, Integer::sum);
                    }
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(stored.get("loss-" + i))
                            .as("loss-%d stored once", i)
                            .isEqualTo(1);
                }
            }
        }
    }

    /** Re-sends while the connection is still coming back (each attempt may time out): same context every time. */
    private static Outcome<Counter, Event> resendUntilAnswered(
            EntityHandle<Counter.Command, Counter, Event> counters, String entity, CommandContext context)
            throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true) {
            try {
                return counters.handleAsync(entity, new Add(1), context).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof EventStoreUnavailable) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<String> commandIds(NatsEventStore store, String id) {
        List<String> ids = new ArrayList<>();
        for (RecordedEvent event : store.readAll(EntityRef.of("counter", id), ReadRange.all())) {
            ids.add(event.commandId());
        }
        return ids;
    }

    private static void awaitNoneInFlight(CommandRuntime runtime) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (runtime.commandsInFlight() > 0) {
            if (System.nanoTime() > deadline) {
                fail("commands still in flight: " + runtime.commandsInFlight());
            }
            Thread.sleep(10);
        }
    }

    private static Throwable causeOf(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** Holds every task until {@link #open()}, then runs them (and all later ones) on a pool. */
    private static final class GatedExecutor implements Executor {
        private final ExecutorService pool = Executors.newFixedThreadPool(4);
        private final List<Runnable> held = new ArrayList<>();
        private boolean open;

        @Override
        public synchronized void execute(Runnable task) {
            if (open) {
                pool.execute(task);
            } else {
                held.add(task);
            }
        }

        synchronized void open() {
            open = true;
            held.forEach(pool::execute);
            held.clear();
        }

        void shutdown() {
            pool.shutdownNow();
        }
    }
}
