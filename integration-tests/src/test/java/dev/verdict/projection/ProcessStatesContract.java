package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.ProcessStates.Checkpoint;
import dev.verdict.store.ProcessStates.InstanceState;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a process manager's state store guarantees, on every implementation of {@link ProcessStates} (NATS KV and the
 * test kit's memory): compare-and-set on the revision read, one state per instance with ended instances deleted, a
 * process manager run by a {@link ProjectionRunner} on the store's own feeds, and the upgrade from the previous
 * release's single entry per process.
 */
abstract class ProcessStatesContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A store of events with the runner to consume it, and the process states beside it. */
    interface Fixture extends AutoCloseable {
        StoreName name();

        /** Appends the events in order; returns their sequences. */
        List<Long> append(List<CounterEvent> events) throws Exception;

        <E> ProjectionRunner.Builder<E> runner(SubjectFilter filter, EventCodec<E> codec, Projection<E> projection);

        ProcessStates states();

        /** Puts the entry the previous release kept for a process (key {@code <process>}, one JSON value). */
        void putLegacy(String process, long sequence, long quietUntil, String fingerprint, byte[] state)
                throws Exception;

        @Override
        void close() throws Exception;
    }

    abstract Fixture newFixture(String name) throws Exception;

    /** Alerts on every addition above 10; one instance per counter; a reset ends the counter's instance. */
    record Alert(String counter, long amount) {}

    static final ProcessManager<CounterEvent, Long, Alert> ALERTS = new ProcessManager<>() {
        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long evolve(Long total, CounterEvent event) {
            return event instanceof CounterEvent.Added a ? total + a.amount() : -1L;
        }

        @Override
        public List<Alert> react(Long total, CounterEvent event) {
            return event instanceof CounterEvent.Added a && a.amount() > 10
                    ? List.of(new Alert(a.counter(), total + a.amount()))
                    : List.of();
        }

        @Override
        public List<String> instancesOf(CounterEvent event) {
            return List.of(event.counter());
        }

        @Override
        public boolean ended(Long total) {
            return total < 0;
        }
    };

    static final StateCodec<Long> LONG = new StateCodec<>() {
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

    static String uniqueName(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }

    static ProcessProjection<CounterEvent, Long, Alert> host(
            ProcessStates states, String name, Map<String, Integer> sends) {
        CommandSender<Alert> counting = (target, command, context) -> sends.merge(context.commandId(), 1, Integer::sum);
        return ProcessProjection.of(
                states, name, ALERTS, LONG, alert -> EntityRef.of("alarm", alert.counter()), counting);
    }

    @Test
    void writesAreCompareAndSetOnTheRevisionReadAndAnEndedInstanceIsDeleted() throws Exception {
        try (Fixture fixture = newFixture(uniqueName("cas"))) {
            ProcessStates states = fixture.states();
            String process = uniqueName("cas-process");
            InstanceState one = new InstanceState(new byte[] {1}, "f", 5, 0, "");
            assertThat(states.instance(process, "rx/1 ü").value()).isEmpty();
            OptionalLong created = states.writeInstance(process, "rx/1 ü", one, 0);
            assertThat(created).isPresent();
            assertThat(states.writeInstance(process, "rx/1 ü", one, 0))
                    .as("a second create")
                    .isEmpty();
            assertThat(states.instance(process, "rx/1 ü"))
                    .isEqualTo(new ProcessStates.Versioned<>(Optional.of(one), created.getAsLong()));
            InstanceState two = new InstanceState(new byte[] {2}, "f", 7, 0, "");
            OptionalLong updated = states.writeInstance(process, "rx/1 ü", two, created.getAsLong());
            assertThat(updated).isPresent();
            assertThat(states.writeInstance(process, "rx/1 ü", one, created.getAsLong()))
                    .as("a write on a stale revision")
                    .isEmpty();
            assertThat(states.deleteInstance(process, "rx/1 ü", created.getAsLong()))
                    .as("a delete on a stale revision")
                    .isEmpty();
            OptionalLong deleted = states.deleteInstance(process, "rx/1 ü", updated.getAsLong());
            assertThat(deleted).isPresent();
            ProcessStates.Versioned<InstanceState> gone = states.instance(process, "rx/1 ü");
            assertThat(gone.value()).isEmpty();
            assertThat(states.writeInstance(process, "rx/1 ü", one, 0))
                    .as("a create over the deletion must name its revision")
                    .isEmpty();
            assertThat(states.writeInstance(process, "rx/1 ü", one, gone.revision()))
                    .isPresent();

            assertThat(states.writeCheckpoint(process, "1of4", new Checkpoint(9, 0, 0), 0))
                    .isPresent();
            long rev = states.checkpoint(process, "1of4").revision();
            assertThat(states.writeCheckpoint(process, "1of4", new Checkpoint(10, 0, 0), rev - 1))
                    .isEmpty();
            assertThat(states.writeCheckpoint(process, "1of4", new Checkpoint(10, 0, 0), rev))
                    .isPresent();
            assertThat(states.checkpoint(process, "1of4").value()).contains(new Checkpoint(10, 0, 0));
            assertThat(states.partitions(process)).containsExactly("1of4");
        }
    }

    @Test
    void aProcessManagerRunsOnTheStoreWithOneStatePerInstance() throws Exception {
        try (Fixture fixture = newFixture(uniqueName("instances"))) {
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String counter = "c" + (i % 3);
                events.add(i == 31 ? new CounterEvent.Reset("c1") : new CounterEvent.Added(counter, i % 17));
            }
            fixture.append(events);
            String name = uniqueName("alerts");
            Map<String, Integer> sends = new ConcurrentHashMap<>();
            ProcessProjection<CounterEvent, Long, Alert> host = host(fixture.states(), name, sends);
            ProjectionRunner<CounterEvent> runner = fixture.runner(
                            SubjectFilter.category(fixture.name(), Category.of("counter")), new CounterCodec(), host)
                    .build();
            runner.start();
            try {
                runner.caughtUp().get(30, TimeUnit.SECONDS);
            } finally {
                runner.stop();
            }

            // the pure fold, instance by instance
            Map<String, Long> totals = new HashMap<>();
            int alerts = 0;
            for (CounterEvent e : events) {
                long total = totals.getOrDefault(e.counter(), 0L);
                alerts += ALERTS.react(total, e).size();
                long next = ALERTS.evolve(total, e);
                if (next < 0) {
                    totals.remove(e.counter());
                } else {
                    totals.put(e.counter(), next);
                }
            }
            assertThat(sends).hasSize(alerts);
            assertThat(sends.values()).as("each command id sent once").containsOnly(1);
            for (String counter : List.of("c0", "c1", "c2")) {
                assertThat(host.state(counter)).as(counter).isEqualTo(Optional.ofNullable(totals.get(counter)));
            }
            assertThat(totals.get("c1")).as("c1 began again after its reset").isNotNull();
            assertThat(host.state("c9")).as("never begun").isEmpty();
        }
    }

    @Test
    void aPartitionedProcessKeepsACheckpointPerPartitionAndEachInstanceInItsEntitysPartition() throws Exception {
        try (Fixture fixture = newFixture(uniqueName("partitioned"))) {
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                events.add(new CounterEvent.Added("c" + (i % 8), 11 + i % 5));
            }
            fixture.append(events);
            String name = uniqueName("split");
            Map<String, Integer> sends = new ConcurrentHashMap<>();
            ProcessProjection<CounterEvent, Long, Alert> host = host(fixture.states(), name, sends);
            ProjectionRunner<CounterEvent> runner = fixture.runner(
                            SubjectFilter.category(fixture.name(), Category.of("counter")), new CounterCodec(), host)
                    .partitions(3)
                    .build();
            runner.start();
            try {
                runner.caughtUp().get(30, TimeUnit.SECONDS);
            } finally {
                runner.stop();
            }
            assertThat(sends)
                    .as("every event reacts once: each addition is above 10")
                    .hasSize(40);
            assertThat(sends.values()).containsOnly(1);
            for (int c = 0; c < 8; c++) {
                long total = 0;
                for (int i = c; i < 40; i += 8) {
                    total += 11 + i % 5;
                }
                assertThat(host.state("c" + c)).as("c" + c).contains(total);
            }
            assertThat(fixture.states().partitions(name)).containsExactlyInAnyOrder("0of3", "1of3", "2of3");
        }
    }

    @Test
    void anUpgradeResumesAfterThePreviousReleasesCheckpointWithItsState() throws Exception {
        try (Fixture fixture = newFixture(uniqueName("upgrade"))) {
            List<CounterEvent> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(new CounterEvent.Added("c-" + i, 20));
            }
            List<Long> sequences = fixture.append(events);
            String name = uniqueName("single");
            // the previous release had applied the first six events: state = their count, checkpoint = the sixth
            fixture.putLegacy(name, sequences.get(5), 0, "long-v1", "6".getBytes(StandardCharsets.US_ASCII));
            Map<String, Integer> sends = new ConcurrentHashMap<>();
            ProcessManager<CounterEvent, Long, Alert> counting = new ProcessManager<>() {
                @Override
                public Long initialState() {
                    return 0L;
                }

                @Override
                public Long evolve(Long seen, CounterEvent event) {
                    return seen + 1;
                }

                @Override
                public List<Alert> react(Long seen, CounterEvent event) {
                    return List.of(new Alert(event.counter(), seen + 1));
                }
            };
            CommandSender<Alert> sender = (target, command, context) -> sends.merge(command.counter(), 1, Integer::sum);
            ProcessProjection<CounterEvent, Long, Alert> host = ProcessProjection.of(
                    fixture.states(), name, counting, LONG, a -> EntityRef.of("alarm", a.counter()), sender);
            assertThat(host.checkpoint()).hasValue(sequences.get(5));
            ProjectionRunner<CounterEvent> runner = fixture.runner(
                            SubjectFilter.category(fixture.name(), Category.of("counter")), new CounterCodec(), host)
                    .build();
            runner.start();
            try {
                runner.caughtUp().get(30, TimeUnit.SECONDS);
            } finally {
                runner.stop();
            }
            assertThat(sends.keySet())
                    .as("only the events after the old checkpoint are reacted to")
                    .containsExactlyInAnyOrder("c-6", "c-7", "c-8", "c-9");
            assertThat(sends.values()).containsOnly(1);
            assertThat(host.state())
                    .as("the old state, evolved by the four later events")
                    .isEqualTo(10L);
            assertThat(host.checkpoint()).hasValue(sequences.get(9));
        }
    }

    /** An event as a runner delivers it, without a stream (sequence and id given). */
    static DeliveredEvent<CounterEvent> synthetic(CounterEvent event, long sequence) {
        return new DeliveredEvent<>(
                event,
                new RecordedEvent(
                        EntityRef.of("counter", event.counter()),
                        sequence,
                        Instant.EPOCH,
                        "event-" + sequence,
                        Instant.EPOCH,
                        new CounterCodec().encode(event),
                        "cmd-" + sequence,
                        "corr-" + sequence,
                        Optional.empty(),
                        Map.of()));
    }
}
