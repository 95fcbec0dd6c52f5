package dev.verdict.testing.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A cluster of real nats-servers with JetStream on loopback, started for tests by {@link NatsClusterExtension}.
 * Each node has its own free client and route ports and its own temporary store directory; nodes can be stopped
 * and restarted one by one to test failover.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);
 *
 * @Test
 * void survivesALeaderLoss(NatsCluster cluster) throws Exception {
 *     try (Connection nc = cluster.connect()) {
 *         // create an R3 stream, write, cluster.nodes().get(0).stop(), write more, ...start()
 *     }
 * }
 * }</pre>
 */
public interface NatsCluster {

    /** The nodes, in start order. Each can be stopped and started again. */
    List<NatsServer> nodes();

    /** The node whose JetStream server name is {@code name} (e.g. the stream leader a StreamInfo names). */
    NatsServer node(String serverName);

    /** The JetStream server name of a node, e.g. {@code n0}. */
    String serverName(NatsServer node);

    /** Comma-separated client URLs of all nodes. */
    default String urls() {
        return String.join(",", nodes().stream().map(NatsServer::url).toList());
    }

    /** Connection options pointing at every node, reconnecting forever. */
    default Options.Builder defaultOptions() {
        return Options.builder()
                .servers(nodes().stream().map(NatsServer::url).toArray(String[]::new))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(5))
                .subjectValidationType(Options.SubjectValidationType.Strict)
                .errorListener(new QuietErrorListener());
    }

    /** A new connection to the cluster; the caller closes it. */
    default Connection connect() throws IOException, InterruptedException {
        return Nats.connect(defaultOptions().build());
    }
}
