package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.ProjectionRunner;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.reliability.StoredMessages.Stored;
import dev.verdict.runtime.EntityHandle;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks every load scenario ends with, after its clients stopped: the stream audited against the ledger
 * (nothing lost, nothing duplicated, nothing misreported), the invariant on every prefix, the runtime's states equal
 * a replay from the stored messages, and the projection applied every event exactly once. A context sharded over
 * several streams is checked as one: the ledger against all its streams together, and each stream's projection
 * against that stream. Writes the report row before asserting, so a failing run still leaves its counts in {@code
 * target/}.
 */
final class ScenarioVerdict {
    private ScenarioVerdict() {}

    /** One stream of the context, with the projection that follows it and that projection's runner. */
    record Followed(String stream, AuditingProjection projection, ProjectionRunner<Event> runner) {}

    static void check(
            String scenario,
            String notes,
            Connection nc,
            String stream,
            CommandLedger ledger,
            EntityHandle<Command, Counter, Event> counters,
            int entities,
            AuditingProjection projection,
            ProjectionRunner<Event> runner)
            throws Exception {
        check(scenario, notes, nc, List.of(new Followed(stream, projection, runner)), ledger, counters, entities);
    }

    /**
     * {@link #check} over every stream of a context (its shards), each followed by its own projection.
     *
     * @return every counter's state replayed from the stored messages read for the checks
     */
    static Map<String, Counter> check(
            String scenario,
            String notes,
            Connection nc,
            List<Followed> streams,
            CommandLedger ledger,
            EntityHandle<Command, Counter, Event> counters,
            int entities)
            throws Exception {
        Map<String, List<Stored>> storedByStream = new LinkedHashMap<>();
        List<Stored> stored = new ArrayList<>();
        for (Followed f : streams) {
            List<Stored> ofStream = StoredMessages.readAll(nc, f.stream());
            storedByStream.put(f.stream(), ofStream);
            stored.addAll(ofStream);
        }
        StreamAudit audit = StreamAudit.of(ledger, stored);
        CounterReplay replay = replay(storedByStream);
        Map<String, Boolean> caughtUp = new LinkedHashMap<>();
        for (Followed f : streams) {
            List<Stored> ofStream = storedByStream.get(f.stream());
            long last =
                    ofStream.isEmpty() ? 0 : ofStream.get(ofStream.size() - 1).sequence();
            caughtUp.put(f.stream(), f.runner().awaitPosition(last, Duration.ofSeconds(60)));
        }
        int applied = streams.stream()
                .mapToInt(f -> f.projection().applications().size())
                .sum();
        long redelivered = streams.stream()
                .mapToLong(f -> f.projection().redeliveriesIgnored())
                .sum();
        ReliabilityReport.record(ReliabilityReport.Row.of(
                scenario,
                ledger,
                audit,
                notes + " " + stored.size() + " events stored; the runner handed the projection " + applied
                        + " distinct events, " + redelivered + " of them more than once."));

        assertThat(audit.problems()).isEmpty();
        assertThat(audit.lost()).isZero();
        assertThat(audit.duplicated()).isZero();
        assertThat(audit.misreported()).isZero();
        assertThat(audit.unknown()).isZero();
        assertThat(ledger.entries()).hasSize((int) ledger.sentCount());
        assertThat(ledger.count(CommandLedger.Result.ACCEPTED)).isPositive();
        assertThat(replay.violations()).isEmpty();

        Map<String, Counter> fromRuntime = new HashMap<>();
        for (int i = 0; i < entities; i++) {
            String id = CommandLoad.entityId(i);
            fromRuntime.put(id, counters.load(id).state());
        }
        assertThat(fromRuntime).isEqualTo(withEmpty(replay.counters(), entities));

        Map<String, Counter> projected = new HashMap<>();
        for (Followed f : streams) {
            checkProjection(nc, f, storedByStream.get(f.stream()), caughtUp.get(f.stream()));
            projected.putAll(f.projection().counters());
        }
        assertThat(withEmpty(projected, entities)).isEqualTo(withEmpty(replay.counters(), entities));
        return withEmpty(replay.counters(), entities);
    }

    /** Every stored event of the stream handed to its projection exactly once, none that is not stored. */
    private static void checkProjection(Connection nc, Followed f, List<Stored> stored, boolean caughtUp) {
        long last = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).sequence();
        assertThat(caughtUp)
                .as(f.stream() + ": projection caught up to #" + last + ": "
                        + f.runner().status() + "; consumer: "
                        + consumerState(nc, f.stream(), f.runner().consumerName()) + "; worker: " + workerStack())
                .isTrue();
        Set<Long> storedSequences = new TreeSet<>();
        stored.forEach(s -> storedSequences.add(s.sequence()));
        Map<Long, Integer> applied = f.projection().applications();
        Set<Long> missing = new TreeSet<>(storedSequences);
        missing.removeAll(applied.keySet());
        Set<Long> extra = new TreeSet<>(applied.keySet());
        extra.removeAll(storedSequences);
        assertThat(missing)
                .as(f.stream() + ": no gaps: stored events the projection never applied")
                .isEmpty();
        assertThat(extra)
                .as(f.stream() + ": applied events that are not stored")
                .isEmpty();
        Map<Long, Integer> twice = new TreeMap<>(applied);
        twice.values().removeIf(n -> n == 1);
        assertThat(twice)
                .as(f.stream() + ": no double application: events the runner handed to the projection more than once"
                        + " (sequence → times)")
                .isEmpty();
    }

    /** The counters replayed from every stream's stored messages (an entity's events are all on one stream). */
    private static CounterReplay replay(Map<String, List<Stored>> storedByStream) {
        Map<String, Counter> counters = new HashMap<>();
        List<String> violations = new ArrayList<>();
        storedByStream.forEach((stream, stored) -> {
            CounterReplay ofStream = CounterReplay.of(stored, stream + ".counter.");
            counters.putAll(ofStream.counters());
            violations.addAll(ofStream.violations());
        });
        return new CounterReplay(counters, List.copyOf(violations));
    }

    private static String consumerState(Connection nc, String stream, String consumer) {
        try {
            io.nats.client.api.ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(stream, consumer);
            return "pending " + info.getNumPending() + ", ack pending " + info.getNumAckPending() + ", waiting pulls "
                    + info.getNumWaiting() + ", delivered "
                    + info.getDelivered().getStreamSequence() + ", ack floor "
                    + info.getAckFloor().getStreamSequence();
        } catch (Exception e) {
            return "unavailable (" + e + ")";
        }
    }

    private static String workerStack() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("verdict-projection-")) {
                b.append(t.getName()).append(' ').append(t.getState());
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                    b.append("\n    at ").append(stack[i]);
                }
            }
        });
        return b.toString();
    }

    static Map<String, Counter> withEmpty(Map<String, Counter> counters, int entities) {
        Map<String, Counter> all = new HashMap<>(counters);
        for (int i = 0; i < entities; i++) {
            all.putIfAbsent(CommandLoad.entityId(i), Counter.EMPTY);
        }
        return all;
    }

    /** The replayed states of all counters, straight from the stored messages. */
    static Map<String, Counter> replay(Connection nc, String stream, int entities) throws Exception {
        return withEmpty(
                replay(Map.of(stream, StoredMessages.readAll(nc, stream))).counters(), entities);
    }
}
