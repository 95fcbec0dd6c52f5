package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.StoreName;
import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.InMemoryProcessStates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ProcessStatesContract} on the test kit: {@link InMemoryProcessStates} beside an in-memory event store. */
class ProcessStatesInMemoryTest extends ProcessStatesContract {
    private static final CounterCodec CODEC = new CounterCodec();

    @Override
    Fixture newFixture(String name) {
        InMemoryEventStore store = InMemoryEventStore.named(name);
        InMemoryProcessStates states = new InMemoryProcessStates();
        return new Fixture() {
            @Override
            public StoreName name() {
                return store.name();
            }

            @Override
            public List<Long> append(List<CounterEvent> events) {
                List<Long> sequences = new ArrayList<>();
                for (CounterEvent e : events) {
                    EntityRef counter = EntityRef.of("counter", e.counter());
                    sequences.addAll(store.append(
                                    counter, store.version(counter), List.of(CODEC.encode(e)), CommandContext.create())
                            .sequences());
                }
                return sequences;
            }

            @Override
            public <E> ProjectionRunner.Builder<E> runner(
                    SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
                return ProjectionRunner.builder(store.feeds(), filter, codec, projection);
            }

            @Override
            public ProcessStates states() {
                return states;
            }

            @Override
            public void putLegacy(String process, long sequence, long quietUntil, String fingerprint, byte[] state) {
                states.putLegacy(process, new ProcessStates.LegacyState(sequence, quietUntil, fingerprint, state));
            }

            @Override
            public void close() {}
        };
    }

    /**
     * 100,000 instances: applying an event reads and writes exactly one instance (counted through the port, whatever
     * the number of instances already stored), and the bytes stored per instance do not grow with their number.
     */
    @Test
    void oneHundredThousandInstancesCostOneInstanceReadAndWritePerEventAndConstantBytesEach() {
        InMemoryProcessStates states = new InMemoryProcessStates();
        Map<String, Integer> sends = new HashMap<>();
        ProcessProjection<CounterEvent, Long, Alert> host = host(states, "many", sends);
        int instances = 100_000;
        for (int i = 1; i <= instances; i++) {
            long readsBefore = states.instanceReads();
            long writesBefore = states.instanceWrites();
            host.apply(synthetic(new CounterEvent.Added("k" + i, 42), i));
            if (i == 1 || i % 10_000 == 0) {
                assertThat(states.instanceReads() - readsBefore)
                        .as("instance reads for event %d", i)
                        .isEqualTo(1);
                assertThat(states.instanceWrites() - writesBefore)
                        .as("instance writes for event %d", i)
                        .isEqualTo(1);
            }
        }
        assertThat(states.instanceCount("many")).isEqualTo(instances);
        assertThat(sends).hasSize(instances);
        int first = states.instance("many", "k1").value().orElseThrow().state().length;
        int last =
                states.instance("many", "k" + instances).value().orElseThrow().state().length;
        assertThat(last).as("bytes of one instance's state").isEqualTo(first).isEqualTo(2);
        // one more event of an old instance still touches that instance alone
        long readsBefore = states.instanceReads();
        long writesBefore = states.instanceWrites();
        host.apply(synthetic(new CounterEvent.Added("k1", 1), instances + 1));
        assertThat(states.instanceReads() - readsBefore).isEqualTo(1);
        assertThat(states.instanceWrites() - writesBefore).isEqualTo(1);
        assertThat(host.state("k1")).contains(43L);
        // and an ended instance is gone
        host.apply(synthetic(new CounterEvent.Reset("k2"), instances + 2));
        assertThat(states.instanceCount("many")).isEqualTo(instances - 1);
        assertThat(host.state("k2")).isEmpty();
    }

    /**
     * An instance ended, its entry was written but the checkpoint not yet (the service instance died there, so the
     * deletion never happened): the redelivered event is found applied and sends nothing, the entry reads as ended, and
     * a later event of the same key begins a new instance from the initial state.
     */
    @Test
    void anEndedInstanceWhoseDeletionDidNotHappenReadsAsEndedAndALaterEventBeginsAgain() {
        InMemoryProcessStates states = new InMemoryProcessStates();
        states.writeInstance(
                "ending", "k", new ProcessStates.InstanceState(LONG.encode(-1L), LONG.fingerprint(), 5, 0, ""), 0);
        Map<String, Integer> sends = new HashMap<>();
        List<Alert> alerts = new ArrayList<>();
        ProcessProjection<CounterEvent, Long, Alert> host = ProcessProjection.of(
                states, "ending", ALERTS, LONG, alert -> EntityRef.of("alarm", alert.counter()), (t, alert, c) -> {
                    sends.merge(c.commandId(), 1, Integer::sum);
                    alerts.add(alert);
                });

        host.apply(synthetic(new CounterEvent.Reset("k"), 5)); // redelivered
        assertThat(sends).isEmpty();
        assertThat(host.checkpoint()).hasValue(5);
        assertThat(host.state("k")).as("ended").isEmpty();

        host.apply(synthetic(new CounterEvent.Added("k", 20), 6));
        assertThat(alerts).as("reacted on a new instance's state").containsExactly(new Alert("k", 20));
        assertThat(host.state("k")).contains(20L);
    }

    /**
     * The target answers the first command of a reaction and is unavailable for the second: the retry of the event
     * sends only the second (the first was answered and nothing moved since).
     */
    @Test
    void aRetryAfterAFailedSendSendsOnlyTheCommandsNotAnsweredYet() {
        InMemoryProcessStates states = new InMemoryProcessStates();
        List<String> answered = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.verdict.decider.ProcessManager<CounterEvent, Long, Alert> twoAlerts =
                new dev.verdict.decider.ProcessManager<>() {
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
                        return List.of(new Alert(event.counter(), 1), new Alert(event.counter(), 2));
                    }
                };
        ProcessProjection<CounterEvent, Long, Alert> host = ProcessProjection.of(
                states, "retrying", twoAlerts, LONG, alert -> EntityRef.of("alarm", alert.counter()), (t, a, c) -> {
                    if (a.amount() == 2 && down.getAndSet(false)) {
                        throw new ProjectionUnavailable("target down", null);
                    }
                    answered.add(c.commandId());
                });
        DeliveredEvent<CounterEvent> event = synthetic(new CounterEvent.Added("k", 1), 3);
        org.junit.jupiter.api.Assertions.assertThrows(ProjectionUnavailable.class, () -> host.apply(event));
        host.apply(event);
        assertThat(answered).containsExactly("retrying-event-3-0", "retrying-event-3-1");
        assertThat(host.state()).isEqualTo(1L);
    }

    /**
     * An event that concerns two instances, each reacting with a command: the two commands get ids of their own (with
     * the instance key), never one id for both – the runtime would store only the first. An event of one instance
     * keeps the released form {@code <process>-<eventId>-<i>}, and the events of one stored message that upcasting
     * split are numbered as one reaction.
     */
    @Test
    void eachInstanceAnEventConcernsReactsWithCommandIdsOfItsOwn() {
        InMemoryProcessStates states = new InMemoryProcessStates();
        List<String> ids = new ArrayList<>();
        dev.verdict.decider.ProcessManager<CounterEvent, Long, Alert> pairs =
                new dev.verdict.decider.ProcessManager<>() {
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
                        return List.of(new Alert(event.counter(), 1));
                    }

                    @Override
                    public List<String> instancesOf(CounterEvent event) {
                        return event.counter().equals("both") ? List.of("a", "b") : List.of(event.counter());
                    }
                };
        ProcessProjection<CounterEvent, Long, Alert> host = ProcessProjection.of(
                states,
                "pairs",
                pairs,
                LONG,
                alert -> EntityRef.of("alarm", alert.counter()),
                (t, a, c) -> ids.add(c.commandId()));

        host.apply(synthetic(new CounterEvent.Added("both", 1), 3));
        assertThat(ids).containsExactly("pairs-event-3-a-0", "pairs-event-3-b-0");

        ids.clear();
        host.apply(synthetic(new CounterEvent.Added("a", 1), 4));
        assertThat(ids).containsExactly("pairs-event-4-0");

        ids.clear();
        host.applyBatch(
                List.of(synthetic(new CounterEvent.Added("a", 1), 5), synthetic(new CounterEvent.Added("a", 2), 5)));
        assertThat(ids).as("one stored message split in two").containsExactly("pairs-event-5-0", "pairs-event-5-1");
        assertThat(host.state("a")).contains(4L);
    }
}
