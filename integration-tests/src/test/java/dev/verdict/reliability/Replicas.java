package dev.verdict.reliability;

import dev.verdict.testing.nats.NatsCluster;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;

/** Which replica the cluster scenarios suspend. */
final class Replicas {
    private Replicas() {}

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
