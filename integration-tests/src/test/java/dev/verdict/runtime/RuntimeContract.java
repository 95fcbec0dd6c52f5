package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.codec.JsonStateCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What {@link CommandRuntime} and {@link EntityHandle} promise to whoever sends commands, run by a subclass on three
 * service instances over one store (each instance its own runtime and cache, so they are concurrent writers): over the
 * in-memory store, over the NATS store, over the store sharded over 4 streams, and owner-routed (commands sent through
 * {@code CommandRouting} on three instances, most forwarded to the entity's owner).
 *
 * <p>The promises: a command is accepted with its events, version and new state, rejected (a refusal as data, with
 * its code, nothing stored) or unchanged; concurrent writers on one entity all succeed, each command stored once (the
 * runtime retries conflicts on the missed tail); a command re-sent with its command id – to any instance – is
 * answered with its original outcome and stored once; {@code handleAsync} completes as {@code handle} returns; an
 * entity is loaded from its last snapshot plus the tail after it; a decision over two entities appends to both or
 * neither.
 *
 * <p>Weaker where a mode differs: a rejection decided on another instance arrives as a {@code ForwardedRejection} –
 * the contract checks its code, not its class; a decider's bug fails the command, but with the routed mode's {@code
 * RoutedCommandFailed} when the owner decided it – the contract checks only that the future fails.
 */
abstract class RuntimeContract {
    private static final AtomicInteger IDS = new AtomicInteger();

    /** A counter's commands sent by one instance: its handle, or its routed entity. */
    interface Sender<C, S> {
        Outcome<S, Event> handle(String id, C command, CommandContext context);

        CompletableFuture<Outcome<S, Event>> handleAsync(String id, C command, CommandContext context);
    }

    /** A decision over two counters sent by one instance: its handle, or its routed decision. */
    interface MultiSender {
        Outcome<Both, Event> handle(AddToBoth command, CommandContext context);
    }

    /** Three instances over one store, shared by the tests of a class (each test uses entities of its own). */
    interface Instances {
        Sender<Counter.Command, Counter> counters(int instance);

        MultiSender pairs(int instance);

        /** The instance's own handle: its loads read through its own cache. */
        EntityHandle<Counter.Command, Counter, Event> handle(int instance);

        EventStore store();

        SnapshotStore snapshots();
    }

    /** A snapshot every 5 events; the state codec routing needs too. */
    static final Registration<Counter.Command, Counter, Event> COUNTERS = Registration.of(
                    "counter", Counter.DECIDER, Counter.EVENTS)
            .withStateCodec(Counter.STATE)
            .withSnapshotPolicy(SnapshotPolicy.everyEvents(5));

    /** Adds {@code amount} to two counters at once; refused when either would exceed {@code maximum}. */
    record AddToBoth(String first, String second, int amount, int maximum) {}

    /** The combined state of a decision over two counters: their values by id. */
    record Both(Map<String, Integer> values) {}

    static final MultiRegistration<AddToBoth, Both, Event> PAIRS = MultiRegistration.of(
            "add-to-both",
            MultiDecider.<AddToBoth, Both, Event>of(
                    c -> List.of(EntityKey.of("counter", c.first()), EntityKey.of("counter", c.second())),
                    new Both(Map.of()),
                    (state, entity, event) -> {
                        Map<String, Integer> next = new HashMap<>(state.values());
                        next.merge(entity.id(), ((Added) event).amount(), Integer::sum);
                        return new Both(next);
                    },
                    (c, state) -> {
                        int first = state.values().getOrDefault(c.first(), 0);
                        int second = state.values().getOrDefault(c.second(), 0);
                        if (Math.max(first, second) + c.amount() > c.maximum()) {
                            throw new Counter.OverMaximum(Math.max(first, second), c.amount(), c.maximum());
                        }
                        return List.of(
                                new Routed<>(EntityKey.of("counter", c.first()), new Added(c.amount())),
                                new Routed<>(EntityKey.of("counter", c.second()), new Added(c.amount())));
                    }));

    static final JsonStateCodec<Both> BOTH = JsonStateCodec.of(Both.class);

    /** The instances under test (shared by the class's tests). */
    abstract Instances instances();

    /** Two counter ids a decision may span: on a sharded store, placed on one shard ("together-..." ids). */
    List<String> decidedTogether() {
        int n = IDS.incrementAndGet();
        return List.of("together-" + n + "-a", "together-" + n + "-b");
    }

    /**
     * Counter ids starting with {@code prefix} covering every part of the store whose promises are kept separately: the
     * id itself on a single stream, one per shard on a sharded store.
     */
    List<String> onEveryPart(String prefix) {
        return List.of(prefix);
    }

    private static String newId() {
        return "c-" + IDS.incrementAndGet();
    }

    private List<Integer> stored(String id) {
        return instances().store().readAll(EntityRef.of("counter", id), ReadRange.all()).stream()
                .map(e -> ((Added) Counter.EVENTS.decode(e.event())).amount())
                .toList();
    }

    @Test
    void aCommandIsAcceptedRejectedOrUnchangedWithTheStateAndVersion() {
        String id = newId();
        EntityRef ref = EntityRef.of("counter", id);
        for (int i = 0; i < 3; i++) { // from each instance
            Outcome<Counter, Event> outcome = instances().counters(i).handle(id, new Add(2), CommandContext.create());
            assertThat(outcome).isInstanceOfSatisfying(Outcome.Accepted.class, a -> {
                assertThat(a.duplicate()).isFalse();
                assertThat(a.events()).hasSize(1);
            });
            assertThat(outcome.state()).isEqualTo(new Counter(2 * (i + 1), false));
            assertThat(outcome.version()).isEqualTo(instances().store().version(ref));
        }

        Outcome<Counter, Event> rejected = instances().counters(1).handle(id, new Add(5, 10), CommandContext.create());
        Outcome<Counter, Event> unchanged = instances().counters(2).handle(id, new Add(0), CommandContext.create());

        assertThat(rejected)
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class,
                        r -> assertThat(r.rejection().code()).isEqualTo("counter.over-maximum"));
        assertThat(rejected.state()).isEqualTo(new Counter(6, false));
        assertThat(rejected.version()).isEqualTo(instances().store().version(ref));
        assertThat(unchanged).isInstanceOf(Outcome.Unchanged.class);
        assertThat(unchanged.state()).isEqualTo(new Counter(6, false));
        assertThat(stored(id)).containsExactly(2, 2, 2);
    }

    @Test
    void concurrentWritersOnOneEntityAreEachDecidedOnTheLatestStateAndStoredOnce() throws Exception {
        for (String id : onEveryPart(newId())) {
            concurrentWriters(id);
        }
    }

    /**
     * 30 commands from the three instances at once, of which only 24 fit under the maximum, while another process
     * appends straight to the store (events that change the version, not the value): every decision made on a stale
     * state must conflict and be decided again, so exactly 24 are accepted, each stored once.
     */
    private void concurrentWriters(String id) throws Exception {
        EntityRef ref = EntityRef.of("counter", id);
        Map<String, CompletableFuture<Outcome<Counter, Event>>> sent = new HashMap<>();
        CompletableFuture<Void> rival = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 8; n++) {
                appendOnce(ref, "rival-" + id + "-" + n);
            }
        });
        for (int n = 0; n < 10; n++) {
            for (int i = 0; i < 3; i++) {
                CommandContext context = CommandContext.create();
                sent.put(context.commandId(), instances().counters(i).handleAsync(id, new Add(1, 24), context));
            }
        }
        CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        rival.get(60, TimeUnit.SECONDS);

        List<String> accepted = sent.entrySet().stream()
                .filter(e -> e.getValue().join().isAccepted())
                .map(Map.Entry::getKey)
                .toList();
        assertThat(accepted).as("accepted under the maximum").hasSize(24);
        assertThat(sent.values())
                .filteredOn(f -> !f.join().isAccepted())
                .allSatisfy(f -> assertThat(f.join()).isInstanceOf(Outcome.Rejected.class));
        List<RecordedEvent> events = instances().store().readAll(ref, ReadRange.all());
        assertThat(events).hasSize(32);
        assertThat(events.stream().map(RecordedEvent::commandId).filter(sent::containsKey))
                .containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(instances().handle(2).load(id).state()).isEqualTo(new Counter(24, false));
    }

    /** An append of {@code Added(0)} (a new version, the same value) as a hand-written OCC loop would do it. */
    private void appendOnce(EntityRef ref, String commandId) {
        while (true) {
            long version = instances().store().version(ref);
            try {
                instances()
                        .store()
                        .append(
                                ref,
                                version,
                                List.of(Counter.EVENTS.encode(new Added(0))),
                                CommandContext.withCommandId(commandId));
                return;
            } catch (ConcurrencyConflict again) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aReSentCommandIsAnsweredWithItsOriginalOutcomeByAnyInstanceAndStoredOnce() throws Exception {
        String id = newId();
        CommandContext context = CommandContext.withCommandId("add-once-" + id);
        Outcome<Counter, Event> original = instances().counters(0).handle(id, new Add(4), context);

        Outcome<Counter, Event> again = instances().counters(1).handle(id, new Add(4), context);
        Outcome<Counter, Event> againAsync =
                instances().counters(2).handleAsync(id, new Add(4), context).get(30, TimeUnit.SECONDS);

        assertThat(original).isInstanceOf(Outcome.Accepted.class);
        for (Outcome<Counter, Event> resent : List.of(again, againAsync)) {
            assertThat(resent).isInstanceOfSatisfying(Outcome.Accepted.class, a -> {
                assertThat(a.duplicate()).isTrue();
                assertThat(a.events()).isEqualTo(((Outcome.Accepted<?, ?>) original).events());
            });
            assertThat(resent.state()).isEqualTo(new Counter(4, false));
        }
        assertThat(instances()
                        .counters(1)
                        .handle(id, new Add(1), CommandContext.create())
                        .state())
                .as("not folded twice")
                .isEqualTo(new Counter(5, false));
        assertThat(stored(id)).containsExactly(4, 1);
    }

    @Test
    void handleAsyncCompletesWithTheOutcomeOrFails() throws Exception {
        String id = newId();
        List<CompletableFuture<Outcome<Counter, Event>>> accepted = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            accepted.add(instances().counters(1).handleAsync(id, new Add(1), CommandContext.create()));
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        CompletableFuture<Outcome<Counter, Event>> rejected =
                instances().counters(1).handleAsync(id, new Add(1, 10), CommandContext.create());
        CompletableFuture<Outcome<Counter, Event>> failed =
                instances().counters(2).handleAsync(id, new Counter.Explode(), CommandContext.create());

        assertThat(accepted)
                .extracting(f -> f.join().state().value())
                .as("each decided on the state the one before left")
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(rejected.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Rejected.class);
        assertThat(failed).failsWithin(Duration.ofSeconds(30));
        assertThat(stored(id)).hasSize(10);
    }

    @Test
    void anEntityIsLoadedFromItsLastSnapshotAndTheTailAfterIt() throws Exception {
        String id = newId();
        EntityRef ref = EntityRef.of("counter", id);
        for (int n = 0; n < 7; n++) {
            instances().counters(0).handle(id, new Add(1), CommandContext.create());
        }
        Snapshot written = awaitSnapshot(ref);
        assertThat(written.version())
                .as("after the 5th event")
                .isLessThan(instances().store().version(ref));
        assertThat(Counter.STATE.decode(written.state()).value()).isBetween(5, 6);
        // a later snapshot, doctored: a load that uses it and folds the one event after it on it shows the difference
        // (a store keeps only newer snapshots, so it is saved at the 6th event)
        long sixth = instances().store().readAll(ref, ReadRange.all()).get(5).sequence();
        instances()
                .snapshots()
                .save(
                        ref,
                        new Snapshot(
                                sixth,
                                written.fingerprint(),
                                Counter.STATE.encode(new Counter(1006, false)),
                                written.streamIdentity()));
        assertThat(instances().snapshots().load(ref))
                .hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(sixth));

        EntityState<Counter> cold = instances().handle(2).load(id);

        assertThat(cold.state()).isEqualTo(new Counter(1007, false));
        assertThat(cold.version()).isEqualTo(instances().store().version(ref));
    }

    private Snapshot awaitSnapshot(EntityRef ref) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Optional<Snapshot> snapshot = instances().snapshots().load(ref);
        while (snapshot.isEmpty() && System.nanoTime() < deadline) { // written after the append, asynchronously
            Thread.sleep(20);
            snapshot = instances().snapshots().load(ref);
        }
        return snapshot.orElseThrow(() -> new AssertionError("no snapshot of " + ref + " within 30 s"));
    }

    @Test
    void aDecisionOverTwoEntitiesAppendsToBothOrNeither() {
        List<String> two = decidedTogether();
        String a = two.get(0);
        String b = two.get(1);
        instances().counters(0).handle(a, new Add(1), CommandContext.create());

        Outcome<Both, Event> both =
                instances().pairs(1).handle(new AddToBoth(a, b, 2, 10), CommandContext.withCommandId("both-" + a));
        Outcome<Both, Event> again =
                instances().pairs(2).handle(new AddToBoth(a, b, 2, 10), CommandContext.withCommandId("both-" + a));
        Outcome<Both, Event> refused = instances().pairs(2).handle(new AddToBoth(a, b, 2, 4), CommandContext.create());

        assertThat(both)
                .isInstanceOfSatisfying(
                        Outcome.Accepted.class, r -> assertThat(r.events()).hasSize(2));
        assertThat(both.state()).isEqualTo(new Both(Map.of(a, 3, b, 2)));
        assertThat(again)
                .isInstanceOfSatisfying(
                        Outcome.Accepted.class, r -> assertThat(r.duplicate()).isTrue());
        assertThat(refused)
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class,
                        r -> assertThat(r.rejection().code()).isEqualTo("counter.over-maximum"));
        assertThat(refused.state()).isEqualTo(new Both(Map.of(a, 3, b, 2)));
        assertThat(stored(a)).containsExactly(1, 2);
        assertThat(stored(b)).containsExactly(2);
        assertThat(instances()
                        .counters(0)
                        .handle(b, new Add(1), CommandContext.create())
                        .state())
                .as("the single entity's handle sees the decision's event")
                .isEqualTo(new Counter(3, false));
    }
}
