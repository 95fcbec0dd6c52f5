package dev.verdict.testing.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsClusterSmokeTest {

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Test
    void anR3StreamKeepsAcceptingWritesAfterItsLeaderStops(NatsCluster cluster) throws Exception {
        try (Connection nc = cluster.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamInfo info = jsm.addStream(StreamConfiguration.builder()
                    .name("cluster-smoke")
                    .subjects("cs.>")
                    .storageType(StorageType.File)
                    .replicas(3)
                    .build());
            long first = nc.jetStream()
                    .publish(
                            "cs.a.1",
                            new byte[] {1},
                            PublishOptions.builder()
                                    .expectedLastSubjectSequence(0)
                                    .build())
                    .getSeqno();

            NatsServer leader = cluster.node(
                    jsm.getStreamInfo("cluster-smoke").getClusterInfo().getLeader());
            leader.stop();
            try {
                long second = publishWithRetry(nc, first);
                assertThat(second).isEqualTo(first + 1);
            } finally {
                leader.start();
            }
            assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
        }
    }

    private static long publishWithRetry(Connection nc, long expected) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return nc.jetStream()
                        .publish(
                                "cs.a.1",
                                new byte[] {2},
                                PublishOptions.builder()
                                        .expectedLastSubjectSequence(expected)
                                        .messageId("second")
                                        .build())
                        .getSeqno();
            } catch (Exception e) {
                last = e; // no leader yet: the remaining two nodes are electing one
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
