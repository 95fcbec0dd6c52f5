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
