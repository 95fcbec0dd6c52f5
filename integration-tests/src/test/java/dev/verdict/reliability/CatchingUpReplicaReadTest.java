package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.nats.ConsumerReader;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.StreamReplicas;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario: a replica of an R3 stream is suspended while the leader stores an event and then a backlog of more
 * than 8 MB (after which the leader snapshots and compacts its log), so the woken replica gets the event by the
 * stream's catch-up – which stores the missing messages without waking the consumers that wait on that replica. A read on an
 * ephemeral consumer (placed on any replica, so on the catching-up one about every third read) – several at once in
 * each round – must still end as soon
 * as its replica has caught up, not at its timeout.
 */
class CatchingUpReplicaReadTest {
    private static final Logger LOG = LoggerFactory.getLogger(CatchingUpReplicaReadTest.class);

    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final String STREAM = "catchup";
    private static final int ROUNDS = Soak.pick(40, 200);
    /**
     * More than the 8 MB of applied entries after which a stream leader snapshots and compacts its log: the
     * suspended replica is then behind the leader's log and catches up by the stream's catch-up.
     */
    private static final int FILLER = 2_000;

    private static final byte[] FILLER_PAYLOAD = new byte[5_000];
    /** Reads at once in each round: each read's consumer is placed on a random replica. */
    private static final int READS = 8;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aReadThroughAReplicaThatCatchesUpEndsWhenItHasCaughtUp() throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        ExecutorService readers = Executors.newFixedThreadPool(READS);
        try (Connection admin = cluster.connect()) {
            JetStreamManagement jsm = admin.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(STREAM + ".>")
                    .storageType(StorageType.File)
                    .replicas(3)
                    .maxBytes(64L * 1024 * 1024) // the fillers come and go; the targets stay
                    .build());
            List<Long> times = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                StreamReplicas.awaitAllCurrent(admin, STREAM, Duration.ofSeconds(60));
                ClusterInfo info = jsm.getStreamInfo(STREAM).getClusterInfo();
                LocalNatsServer follower = (LocalNatsServer) cluster.node(Replicas.followerNotFirstNode(cluster, info));
                String target = STREAM + ".target.t-" + round;
                try (Connection toLeader = Nats.connect(
                        cluster.node(info.getLeader()).defaultOptions().build())) {
                    List<Future<Long>> reads = new ArrayList<>();
                    long started;
                    follower.suspend();
                    try {
                        long targetSequence = toLeader.jetStream()
                                .publish(target, new byte[] {1})
                                .getSeqno();
                        // after the target: the leader compacts its log past it, so the woken replica gets the target
                        // by the stream's catch-up, not by the log
                        for (int i = 0; i < FILLER; i++) {
                            toLeader.publish(STREAM + ".filler", FILLER_PAYLOAD);
                        }
                        toLeader.flush(Duration.ofSeconds(30));
                        Thread.sleep(500);
                        // asked while the replica sleeps: a consumer placed on it is created as it wakes, before it
                        // has caught up
                        started = System.nanoTime();
                        for (int r = 0; r < READS; r++) {
                            reads.add(readers.submit(() -> {
                                AtomicLong seen = new AtomicLong();
                                new ConsumerReader(toLeader, STREAM, READ_TIMEOUT)
                                        .scan(List.of(target), 1, targetSequence, m -> {
                                            seen.set(m.metaData().streamSequence());
                                            return true;
                                        });
                                return seen.get() == targetSequence ? seen.get() : -seen.get();
                            }));
                        }
                        Thread.sleep(200);
                    } finally {
                        follower.resume();
                    }
                    for (Future<Long> read : reads) {
                        assertThat(read.get(60, TimeUnit.SECONDS)).isPositive();
                    }
                    long tookMillis = (System.nanoTime() - started) / 1_000_000;
                    times.add(tookMillis);
                    LOG.info(
                            "round {}: {} reads with {} suspended took {} ms",
                            round,
                            READS,
                            cluster.serverName(follower),
                            tookMillis);
                }
            }
            LOG.info("read times (ms): {}", times);
        } finally {
            readers.shutdownNow();
        }
    }
}
