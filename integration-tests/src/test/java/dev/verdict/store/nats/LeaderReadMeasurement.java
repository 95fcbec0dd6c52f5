package dev.verdict.store.nats;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.ClusterInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what consistent reads cost on an R3 stream: a direct get (any replica) against the leader's message get,
 * and {@code store.read} of a 10-event entity against the bare batch direct get it used before, from a client
 * connected to the stream leader and from one connected to a follower. Opt-in: {@code mvn verify -pl
 * integration-tests -am -Dverdict.measure=true -Dtest=LeaderReadMeasurement}. Results are logged;
 * docs/benchmarks.md ("Leader reads") records them.
 */
@EnabledIfSystemProperty(named = "verdict.measure", matches = "true")
class LeaderReadMeasurement {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderReadMeasurement.class);
    private static final int RUNS = 400;

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Test
    void measuresLeaderReads() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("leaderread"))
                .replicas(3)
                .build();
        EntityRef entity = EntityRef.of("m", "ten");
        String subject = entity.subject("leaderread");
        try (Connection admin = cluster.connect()) {
            NatsEventStore setup = NatsEventStore.create(admin, config);
            List<EncodedEvent> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(new EncodedEvent("Measured", 1, "{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
            }
            setup.append(entity, 0, ten, CommandContext.create());
            ClusterInfo info =
                    admin.jetStreamManagement().getStreamInfo("leaderread").getClusterInfo();
            NatsServer leader = cluster.node(info.getLeader());
            NatsServer follower = cluster.node(info.getReplicas().get(0).getName());
            for (NatsServer node : List.of(leader, follower)) {
                String where = node == leader ? "leader" : "follower";
                try (Connection nc = Nats.connect(node.defaultOptions().build())) {
                    NatsEventStore store = NatsEventStore.create(nc, config);
                    byte[] last = ("{\"last_by_subj\":\"" + subject + "\"}").getBytes(StandardCharsets.US_ASCII);
                    report(
                            where,
                            "direct get last_by_subj",
                            () -> nc.request("$JS.API.DIRECT.GET.leaderread", last, Duration.ofSeconds(5)));
                    report(
                            where,
                            "leader STREAM.MSG.GET last_by_subj",
                            () -> nc.request("$JS.API.STREAM.MSG.GET.leaderread", last, Duration.ofSeconds(5)));
                    report(where, "store.version()", () -> store.version(entity));
                    report(where, "batch direct get, 10 events (before)", () -> directBatch(nc, subject));
                    report(
                            where,
                            "store.read, 10 events (direct + leader end)",
                            () -> store.readAll(entity, ReadRange.all()).size());
                    report(
                            where,
                            "store.read up to the version, 10 events",
                            () -> store.readAll(entity, ReadRange.all().upToSequence(store.version(entity)))
                                    .size());
                }
            }
        }
    }

    private static int directBatch(Connection nc, String subject) throws Exception {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        try {
            nc.publish(
                    "$JS.API.DIRECT.GET.leaderread",
                    inbox,
                    ("{\"seq\":1,\"next_by_subj\":\"" + subject + "\",\"batch\":256}")
                            .getBytes(StandardCharsets.US_ASCII));
            int n = 0;
            while (true) {
                Message m = sub.nextMessage(Duration.ofSeconds(5));
                if (m == null || m.isStatusMessage()) {
                    return n;
                }
                n++;
            }
        } finally {
            sub.unsubscribe();
        }
    }

    private static void report(String where, String what, Callable<?> call) throws Exception {
        for (int i = 0; i < 50; i++) {
            call.call();
        }
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            call.call();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        LOG.info(
                "client on the {}: {}: median {} µs, p90 {} µs",
                where,
                what,
                nanos[RUNS / 2] / 1000,
                nanos[RUNS * 9 / 10] / 1000);
    }
}
