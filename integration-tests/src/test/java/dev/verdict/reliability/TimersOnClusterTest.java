package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.EventSubject;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerRef;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Timers on an R3 timer stream whose leader is stopped while they fall due: every live timer fires exactly once, none
 * early; cancelled ones never. The server-side fact behind docs/nats-mapping.md "Timers" for a leader change.
 */
class TimersOnClusterTest {
    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final int TIMERS = 30;

    @Test
    void aLeaderChangeWhileTimersFallDueFiresEachLiveTimerOnce() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("clustimers"))
                .replicas(3)
                .build();
        String stream = EventSubject.timerStore(config.storeName()).value();
        try (Connection nc = cluster.connect()) {
            NatsTimers timers = NatsTimers.create(nc, config);
            StreamReplicas.awaitAllCurrent(nc, stream, Duration.ofSeconds(30));
            Instant start = Instant.now();
            Map<TimerRef, Instant> live = new HashMap<>();
            List<TimerRef> cancelled = new ArrayList<>();
            for (int i = 0; i < TIMERS; i++) {
                TimerRef ref = TimerRef.of("alarm", "c-" + i, "t");
                Instant due = start.plusMillis(4000 + i * 150L);
                timers.schedule(ref, due);
                if (i % 6 == 0) {
                    assertThat(timers.cancel(ref)).isTrue();
                    cancelled.add(ref);
                } else {
                    live.put(ref, due);
                }
            }

            Thread.sleep(Math.max(
                    0, Duration.between(Instant.now(), start.plusMillis(5500)).toMillis()));
            String leader = StreamReplicas.awaitLeader(nc, stream, Duration.ofSeconds(30));
            NatsServer leaderNode = cluster.node(leader);
            leaderNode.stop();
            Thread.sleep(2000);
            leaderNode.start();

            JetStreamManagement jsm = nc.jetStreamManagement();
            long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            Map<TimerRef, List<MessageInfo>> fired = firedBy(jsm, config, live.keySet());
            while (fired.values().stream().anyMatch(List::isEmpty) && System.nanoTime() < end) {
                Thread.sleep(250);
                fired = firedBy(jsm, config, live.keySet());
            }
            Thread.sleep(2000); // a second firing would show up here
            fired = firedBy(jsm, config, live.keySet());

            for (Map.Entry<TimerRef, List<MessageInfo>> e : fired.entrySet()) {
                assertThat(e.getValue()).as("firings of " + e.getKey()).hasSize(1);
                assertThat(e.getValue().get(0).getTime().toInstant())
                        .as("stored time of " + e.getKey())
                        .isAfterOrEqualTo(live.get(e.getKey()));
            }
            assertThat(firedBy(jsm, config, cancelled).values()).allMatch(List::isEmpty);
            assertThat(timers.list("alarm")).isEmpty();
        }
    }

    @Test
    void theHandlerStoresEachFiringOnceAcrossALeaderChangeAndAnInstanceCutOff() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("clusreact"))
                .replicas(3)
                .requestTimeout(Duration.ofSeconds(3))
                .build();
        String timerStream = EventSubject.timerStore(config.storeName()).value();
        Connection a = cluster.connect();
        try (Connection b = cluster.connect();
                Connection admin = cluster.connect()) {
            dev.verdict.store.nats.NatsEventStore storeA = dev.verdict.store.nats.NatsEventStore.create(a, config);
            dev.verdict.store.nats.NatsEventStore storeB = dev.verdict.store.nats.NatsEventStore.create(b, config);
            NatsTimers timers = NatsTimers.create(admin, config);
            StreamReplicas.awaitAllCurrent(admin, timerStream, Duration.ofSeconds(30));
            Instant start = Instant.now();
            Map<String, Instant> expected = new HashMap<>();
            for (int i = 0; i < TIMERS; i++) {
                TimerRef ref = TimerRef.of("alarm", "c-" + i, "t");
                Instant due = start.plusMillis(5000 + i * 150L);
                timers.schedule(ref, due);
                expected.put(new dev.verdict.store.TimerFired(ref, due, start).commandId(), due);
            }
            try (dev.verdict.runtime.CommandRuntime runtimeA =
                            dev.verdict.runtime.CommandRuntime.builder(storeA).build();
                    dev.verdict.runtime.CommandRuntime runtimeB =
                            dev.verdict.runtime.CommandRuntime.builder(storeB).build()) {
                var runnerA = runner(a, config, runtimeA);
                var runnerB = runner(b, config, runtimeB);
                try {
                    runnerA.start();
                    runnerB.start();
                    Thread.sleep(Math.max(
                            0,
                            Duration.between(Instant.now(), start.plusMillis(6000))
                                    .toMillis()));
                    String leader = StreamReplicas.awaitLeader(admin, timerStream, Duration.ofSeconds(30));
                    NatsServer leaderNode = cluster.node(leader);
                    leaderNode.stop();
                    a.close(); // instance A is cut off for good
                    Thread.sleep(2000);
                    leaderNode.start();

                    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                    Map<String, List<Instant>> stored = storedByCommandId(admin, config);
                    while (stored.size() < expected.size() && System.nanoTime() < end) {
                        Thread.sleep(250);
                        stored = storedByCommandId(admin, config);
                    }
                    Thread.sleep(2000);
                    stored = storedByCommandId(admin, config);

                    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
                    for (Map.Entry<String, List<Instant>> e : stored.entrySet()) {
                        assertThat(e.getValue()).as("events of " + e.getKey()).hasSize(1);
                        assertThat(e.getValue().get(0)).isAfterOrEqualTo(expected.get(e.getKey()));
                    }
                } finally {
                    runnerA.stop();
                    runnerB.stop();
                }
            }
        } finally {
            a.close();
        }
    }

    private static dev.verdict.projection.ProjectionRunner<dev.verdict.store.TimerFired> runner(
            Connection nc, NatsEventStoreConfig config, dev.verdict.runtime.CommandRuntime runtime) {
        var counters = runtime.register(
                dev.verdict.runtime.Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC));
        var reactions = dev.verdict.projection.timers.TimerReactions.of(
                "alarm",
                fired -> List.of(dev.verdict.projection.timers.TimerReactions.command(
                        dev.verdict.store.EntityRef.of("counter", fired.ref().instance()),
                        (BoundedCounter.Command) new BoundedCounter.Add(1))),
                dev.verdict.projection.process.CommandSender.via(counters));
        return dev.verdict.nats.NatsProjections.runner(
                        nc,
                        dev.verdict.projection.timers.TimerReactions.filter(config.storeName(), "alarm"),
                        dev.verdict.store.codec.TimerFiredCodec.INSTANCE,
                        reactions)
                .failover()
                .failoverAfter(Duration.ofSeconds(3))
                .ackWait(Duration.ofSeconds(2))
                .build();
    }

    /** The counter events by command id, with the time the server stored each (read from the stream leader). */
    private static Map<String, List<Instant>> storedByCommandId(Connection nc, NatsEventStoreConfig config) {
        Map<String, List<Instant>> out = new HashMap<>();
        try {
            JetStreamManagement jsm = nc.jetStreamManagement();
            String stream = config.storeName().value();
            long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
            for (long seq = 1; seq <= last; seq++) {
                MessageInfo m = jsm.getMessage(stream, seq);
                String commandId = m.getHeaders().getFirst(dev.verdict.store.nats.NatsEventHeaders.COMMAND_ID);
                out.computeIfAbsent(commandId, k -> new ArrayList<>())
                        .add(m.getTime().toInstant());
            }
        } catch (Exception e) {
            return Map.of(); // the cluster is still electing: read again
        }
        return out;
    }

    /** The messages on each timer's fired subject (one timer per instance here). */
    private static Map<TimerRef, List<MessageInfo>> firedBy(
            JetStreamManagement jsm, NatsEventStoreConfig config, Iterable<TimerRef> refs) throws Exception {
        String stream = EventSubject.timerStore(config.storeName()).value();
        Map<TimerRef, List<MessageInfo>> out = new HashMap<>();
        for (TimerRef ref : refs) {
            List<MessageInfo> list = new ArrayList<>();
            String subject = EventSubject.timerFired(config.storeName(), ref).value();
            long seq = 1;
            while (true) {
                try {
                    MessageInfo m = jsm.getNextMessage(stream, seq, subject);
                    list.add(m);
                    seq = m.getSeq() + 1;
                } catch (JetStreamApiException | java.io.IOException e) {
                    break;
                }
            }
            out.put(ref, list);
        }
        return out;
    }
}
