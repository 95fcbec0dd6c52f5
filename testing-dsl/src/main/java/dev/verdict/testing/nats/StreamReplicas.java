package dev.verdict.testing.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Waits for the state of a replicated stream's replicas in cluster tests: for a leader after a node was stopped, and
 * for every follower to be current again before the next round of a scenario. Both ask the stream's info (answered by
 * the stream leader) every 100–200 ms; an info request that fails meanwhile (no leader during an election) is asked
 * again.
 *
 * <pre>{@code
 * try (Connection nc = cluster.connect()) {
 *     NatsServer leader = cluster.node(StreamReplicas.awaitLeader(nc, "pharmacy", Duration.ofSeconds(30)));
 *     leader.stop();
 *     // ... the other two nodes elect a new leader; write, read ...
 *     leader.start();
 *     StreamReplicas.awaitAllCurrent(nc, "pharmacy", Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class StreamReplicas {
    private StreamReplicas() {}

    /**
     * The server name of the stream's leader, once it has one.
     *
     * @throws AssertionError when the stream has no leader within {@code timeout}
     */
    public static String awaitLeader(Connection nc, String stream, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> leader =
                    info(nc, stream).map(StreamInfo::getClusterInfo).map(ClusterInfo::getLeader);
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("stream '" + stream + "' has no leader after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Returns once the stream has a leader and every follower (as many as the stream's replicas, less one) is current
     * and online.
     *
     * @throws AssertionError when that is not so within {@code timeout}
     */
    public static void awaitAllCurrent(Connection nc, String stream, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<StreamInfo> info = info(nc, stream);
            if (info.isPresent() && allCurrent(info.get())) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "stream '" + stream + "' did not get all its replicas current within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static boolean allCurrent(StreamInfo info) {
        ClusterInfo cluster = info.getClusterInfo();
        if (cluster == null || cluster.getLeader() == null) {
            return false;
        }
        List<Replica> followers = cluster.getReplicas();
        return followers != null
                && followers.size() == info.getConfiguration().getReplicas() - 1
                && followers.stream().allMatch(r -> r.isCurrent() && !r.isOffline());
    }

    private static Optional<StreamInfo> info(Connection nc, String stream) {
        try {
            return Optional.of(nc.jetStreamManagement().getStreamInfo(stream));
        } catch (IOException | JetStreamApiException e) {
            return Optional.empty(); // no answer now (an election, a restarting node): asked again
        }
    }
}
