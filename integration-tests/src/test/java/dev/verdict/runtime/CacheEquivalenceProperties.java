package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.DomainRejection;
import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Close;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.InMemorySnapshotStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The state cache is an optimisation only: a runtime with it and one without give identical outcomes and identical
 * streams for any sequence of commands – including writes by another process behind the cache's back, re-sent
 * commands, re-sends after lost acknowledgements and snapshots.
 */
class CacheEquivalenceProperties {
    private static final List<String> IDS = List.of("a", "b", "c");

    sealed interface Step permits Send, Resend, ExternalWrite, LostAcknowledgement {}

    record Send(int entity, Counter.Command command) implements Step {}

    /** Sends again the command sent {@code back} sends ago (same command id). */
    record Resend(int back) implements Step {}

    /** Another process appends to the entity, bypassing this runtime (never after it is closed). */
    record ExternalWrite(int entity, int amount) implements Step {}

    /**
     * A command whose append was stored but whose acknowledgement was lost (the test stores its events directly, as
     * the runtime's append did), then re-sent by the client with the same command id.
     */
    record LostAcknowledgement(int entity, int amount) implements Step {}

    @Property(tries = 60)
    void cacheOnAndOffGiveIdenticalResults(@ForAll("steps") List<Step> steps) {
        assertThat(run(steps, true, false)).containsExactlyElementsOf(run(steps, false, false));
    }

    /**
     * With snapshots too. Re-sends of older commands are left out here: a command folded into a snapshot is no
     * longer recognised before deciding (see docs/runtime.md), so its re-send is decided again on the newer state.
     */
    @Property(tries = 30)
    void cacheOnAndOffGiveIdenticalResultsWithSnapshots(@ForAll("steps") List<Step> steps) {
        List<Step> withoutResends =
                steps.stream().filter(s -> !(s instanceof Resend)).toList();
        assertThat(run(withoutResends, true, true)).containsExactlyElementsOf(run(withoutResends, false, true));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> entity = Arbitraries.integers().between(0, IDS.size() - 1);
        Arbitrary<Counter.Command> command = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.integers().between(0, 30).map(amount ->
                        (Counter.Command) new Add(amount, 100))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Close())));
        Arbitrary<Step> send = Combinators.combine(entity, command).as(Send::new);
        Arbitrary<Step> resend = Arbitraries.integers().between(1, 5).map(Resend::new);
        Arbitrary<Step> external = Combinators.combine(
                        entity, Arbitraries.integers().between(1, 20))
                .as(ExternalWrite::new);
        Arbitrary<Step> loseAck = Combinators.combine(
                        entity, Arbitraries.integers().between(1, 20))
                .as(LostAcknowledgement::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(12, send),
                        net.jqwik.api.Tuple.of(2, resend),
                        net.jqwik.api.Tuple.of(2, external),
                        net.jqwik.api.Tuple.of(1, loseAck))
                .list()
                .ofMaxSize(60);
    }

    /** Runs the steps on a fresh store and describes every outcome, then every stream and loaded state. */
    private static List<String> run(List<Step> steps, boolean cache, boolean withSnapshots) {
        InMemoryEventStore store = InMemoryEventStore.create();
        InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        CommandRuntime.Builder builder = CommandRuntime.builder(store)
                .retryPolicy(ConflictRetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO));
        if (withSnapshots) {
            builder.snapshots(snapshots);
        }
        if (!cache) {
            builder.withoutCache();
        }
        List<String> trace = new ArrayList<>();
        try (CommandRuntime runtime = builder.build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register(Registration.of("counter", Counter.DECIDER, Counter.EVENTS)
                            .withStateCodec(Counter.STATE)
                            .withSnapshotPolicy(SnapshotPolicy.everyEvents(3)));
            List<Send> sent = new ArrayList<>();
            List<CommandContext> contexts = new ArrayList<>();
            for (Step step : steps) {
                if (step instanceof Send s) {
                    sent.add(s);
                    contexts.add(CommandContext.withCommandId("cmd-" + sent.size()));
                    trace.add(send(counters, s, contexts.get(contexts.size() - 1)));
                } else if (step instanceof Resend r && sent.size() >= r.back()) {
                    int index = sent.size() - r.back();
                    trace.add(send(counters, sent.get(index), contexts.get(index)));
                } else if (step instanceof ExternalWrite w) {
                    EntityRef entity = EntityRef.of("counter", IDS.get(w.entity()));
                    if (isClosed(store, entity)) {
                        continue; // terminal states are absorbing: no writer adds to a closed counter
                    }
                    store.append(
                            entity,
                            store.version(entity),
                            List.of(Counter.EVENTS.encode(new Added(w.amount()))),
                            CommandContext.create());
                } else if (step instanceof LostAcknowledgement l) {
                    EntityRef entity = EntityRef.of("counter", IDS.get(l.entity()));
                    Add add = new Add(l.amount(), 100);
                    List<Event> events;
                    try {
                        events = Counter.decide(add, replay(store, entity));
                    } catch (DomainRejection refused) {
                        continue;
                    }
                    if (events.isEmpty()) {
                        continue;
                    }
                    Send send = new Send(l.entity(), add);
                    sent.add(send);
                    contexts.add(CommandContext.withCommandId("cmd-" + sent.size()));
                    CommandContext context = contexts.get(contexts.size() - 1);
                    store.append(
                            entity,
                            store.version(entity),
                            events.stream().map(Counter.EVENTS::encode).toList(),
                            context);
                    trace.add(send(counters, send, context));
                }
            }
            for (String id : IDS) {
                EntityRef entity = EntityRef.of("counter", id);
                trace.add(id + " stream "
                        + store.readAll(entity, ReadRange.all()).stream()
                                .map(e -> e.sequence() + ":" + Counter.EVENTS.decode(e.event()))
                                .toList());
                trace.add(id + " loaded " + counters.load(id));
            }
        }
        return trace;
    }

    private static boolean isClosed(InMemoryEventStore store, EntityRef entity) {
        return replay(store, entity).closed();
    }

    private static Counter replay(InMemoryEventStore store, EntityRef entity) {
        return Counter.DECIDER.fold(
                Counter.EMPTY,
                store.readAll(entity, ReadRange.all()).stream()
                        .map(e -> Counter.EVENTS.decode(e.event()))
                        .toList());
    }

    private static String send(
            EntityHandle<Counter.Command, Counter, Event> counters, Send send, CommandContext context) {
        return counters.handle(IDS.get(send.entity()), send.command(), context)
                .<String>map(
                        a -> "accepted " + a.events() + " v" + a.version() + " " + a.state() + " dup=" + a.duplicate(),
                        u -> "unchanged v" + u.version() + " " + u.state(),
                        r -> "rejected " + r.rejection().code() + " v" + r.version() + " " + r.state());
    }
}
