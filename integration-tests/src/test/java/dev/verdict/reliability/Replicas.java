package dev.verdict.reliability;

import dev.verdict.testing.nats.NatsCluster;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the cluster scenarios ask about a replicated stream's replicas. */
final class Replicas {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

    private Replicas() {}

    /** Waits (up to 60 s) until the R3 stream has a leader and both followers are current and online. */
    static void awaitAllCurrent(Connection nc, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                ClusterInfo cluster =
                        nc.jetStreamManagement().getStreamInfo(stream).getClusterInfo();
                List<Replica> replicas = cluster == null ? null : cluster.getReplicas();
                if (cluster != null
                        && cluster.getLeader() != null
                        && replicas != null
                        && replicas.size() == 2
                        && replicas.stream().allMatch(r -> r.isCurrent() && !r.isOffline())) {
                    return;
                }
            } catch (IOException | JetStreamApiException e) {
                LOG.debug("stream info unavailable: {}", e.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream '" + stream + "' did not get all 3 replicas current within 60 s");
            }
            Thread.sleep(200);
        }
    }

    /**
     * A follower of the stream, preferably not the first node: that one usually leads the cluster's metadata, and
     * suspending the metadata leader soon starts an election, during which requests time out instead of meeting a
     * lagging replica.
     */
    static String followerNotFirstNode(NatsCluster cluster, ClusterInfo info) {
        String first = cluster.serverName(cluster.nodes().get(0));
        return info.getReplicas().stream()
                .map(Replica::getName)
                .filter(name -> !name.equals(first))
                .findFirst()
                .orElse(info.getReplicas().get(0).getName());
    }
}
