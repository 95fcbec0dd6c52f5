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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks every load scenario ends with, after its clients stopped: the stream audited against the ledger
 * (nothing lost, nothing duplicated, nothing misreported), the invariant on every prefix, the runtime's states equal
 * a replay from the stored messages, and the projection applied every event exactly once. Writes the report row
 * before asserting, so a failing run still leaves its counts in {@code target/}.
 */
final class ScenarioVerdict {
    private ScenarioVerdict() {}

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
        List<Stored> stored = StoredMessages.readAll(nc, stream);
        StreamAudit audit = StreamAudit.of(ledger, stored);
        CounterReplay replay = CounterReplay.of(stored, stream + ".counter.");
        long last = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).sequence();
        boolean caughtUp = runner.awaitPosition(last, Duration.ofSeconds(60));
        ReliabilityReport.record(ReliabilityReport.Row.of(
                scenario,
                ledger,
                audit,
                notes + " " + stored.size() + " events stored; the runner handed the projection "
                        + projection.applications().size() + " distinct events, "
                        + projection.redeliveriesIgnored() + " of them more than once."));

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

        assertThat(caughtUp)
                .as("projection caught up to #" + last + ": " + runner.status() + "; consumer: "
                        + consumerState(nc, stream, runner.consumerName()) + "; worker: " + workerStack())
                .isTrue();
        Set<Long> storedSequences = new TreeSet<>();
        stored.forEach(s -> storedSequences.add(s.sequence()));
        Map<Long, Integer> applied = projection.applications();
        Set<Long> missing = new TreeSet<>(storedSequences);
        missing.removeAll(applied.keySet());
        Set<Long> extra = new TreeSet<>(applied.keySet());
        extra.removeAll(storedSequences);
        assertThat(missing)
                .as("no gaps: stored events the projection never applied")
                .isEmpty();
        assertThat(extra).as("applied events that are not stored").isEmpty();
        Map<Long, Integer> twice = new TreeMap<>(applied);
        twice.values().removeIf(n -> n == 1);
        assertThat(twice)
                .as(
                        "no double application: events the runner handed to the projection more than once (sequence → times)")
                .isEmpty();
        assertThat(withEmpty(projection.counters(), entities)).isEqualTo(withEmpty(replay.counters(), entities));
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
                CounterReplay.of(StoredMessages.readAll(nc, stream), stream + ".counter.")
                        .counters(),
                entities);
    }
}
