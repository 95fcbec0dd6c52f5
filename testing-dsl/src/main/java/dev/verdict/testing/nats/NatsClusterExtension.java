package dev.verdict.testing.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class a real JetStream cluster of local nats-server processes on loopback.
 * Needs a local binary (same lookup as {@link NatsServerExtension}); there is no Docker fallback for clusters.
 * Before the first test runs, the JetStream meta leader has been elected, so streams can be created at once.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);
 * }</pre>
 */
public final class NatsClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final long READY_TIMEOUT_MS = 30_000;

    private final int size;
    private final List<String> extraConfig;
    private RunningCluster cluster;

    private NatsClusterExtension(int size, List<String> extraConfig) {
        if (size < 3) {
            throw new IllegalArgumentException("a JetStream cluster needs at least 3 nodes, was " + size);
        }
        this.size = size;
        this.extraConfig = List.copyOf(extraConfig);
    }

    /** A cluster of {@code size} (at least 3) nodes. */
    public static NatsClusterExtension ofSize(int size) {
        return new NatsClusterExtension(size, List.of());
    }

    /** A cluster whose every node gets extra configuration lines (e.g. {@code sync_interval: always}). */
    public static NatsClusterExtension ofSize(int size, String... configLines) {
        return new NatsClusterExtension(size, List.of(configLines));
    }

    /** The running cluster; only valid between {@code beforeAll} and {@code afterAll}. */
    public NatsCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the nats cluster is not running: use the extension from a test class");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            return;
        }
        NatsServerBinary.Located binary = NatsServerBinary.locate()
                .orElseThrow(() -> new NatsServerUnavailable(NatsServerBinary.notFound("a cluster")));
        NatsServerUnavailable last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RunningCluster running = prepare(binary);
            try {
                for (LocalNatsServer node : running.local) {
                    node.start();
                }
                awaitJetStreamReady(running);
                cluster = running;
                return;
            } catch (NatsServerUnavailable e) {
                // a chosen port was taken meanwhile by another process: start over with new ports
                running.local.forEach(LocalNatsServer::close);
                last = e;
            }
        }
        throw last;
    }

    private RunningCluster prepare(NatsServerBinary.Located binary) {
        int[] clientPorts = new int[size];
        int[] routePorts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = LocalNatsServer.freePort();
            routePorts[i] = LocalNatsServer.freePort();
        }
        List<LocalNatsServer> nodes = new ArrayList<>();
        Map<NatsServer, String> names = new ConcurrentHashMap<>();
        for (int i = 0; i < size; i++) {
            List<String> config = new ArrayList<>();
            config.add("server_name: n" + i);
            config.add("cluster {");
            config.add("  name: verdict-test");
            config.add("  listen: 127.0.0.1:" + routePorts[i]);
            config.add("  routes: [");
            for (int j = 0; j < size; j++) {
                if (j != i) {
                    config.add("    nats-route://127.0.0.1:" + routePorts[j]);
                }
            }
            config.add("  ]");
            config.add("}");
            config.addAll(extraConfig);
            LocalNatsServer node = new LocalNatsServer(binary, clientPorts[i], config);
            nodes.add(node);
            names.put(node, "n" + i);
        }
        return new RunningCluster(List.copyOf(nodes), names);
    }

    private static void awaitJetStreamReady(NatsCluster cluster) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        try (Connection nc = cluster.connect()) {
            while (true) {
                try {
                    nc.jetStreamManagement().getAccountStatistics();
                    return;
                } catch (JetStreamApiException | IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new NatsServerUnavailable(
                                "the JetStream cluster elected no meta leader within " + READY_TIMEOUT_MS + " ms", e);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RunningCluster running = cluster;
        cluster = null;
        if (running != null) {
            for (LocalNatsServer node : running.local) {
                node.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NatsCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster();
    }

    private static final class RunningCluster implements NatsCluster {
        private final List<LocalNatsServer> local;
        private final Map<NatsServer, String> names;

        RunningCluster(List<LocalNatsServer> local, Map<NatsServer, String> names) {
            this.local = local;
            this.names = names;
        }

        @Override
        public List<NatsServer> nodes() {
            return List.copyOf(local);
        }

        @Override
        public NatsServer node(String serverName) {
            return names.entrySet().stream()
                    .filter(e -> e.getValue().equals(serverName))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no node named '" + serverName + "'; nodes are " + names.values()));
        }

        @Override
        public String serverName(NatsServer node) {
            String name = names.get(node);
            if (name == null) {
                throw new IllegalArgumentException(node + " is not a node of this cluster");
            }
            return name;
        }
    }
}
