package dev.verdict.projection;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcBatchHandler;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.reliability.CuttableProxy;
import dev.verdict.testing.nats.QuietErrorListener;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One instance of a service in a test: its own NATS connection (through proxies of its own, one per server URL given
 * comma-separated), its own view of the
 * database, its projection object and runner. {@link #kill()} makes it die as a SIGKILLed process does, seen from
 * outside: its TCP connection to NATS is cut without a goodbye and never comes back, its database sessions end and no
 * new one opens – whatever its threads still hold in their buffers reaches neither the server nor the database.
 */
final class ProjectionInstance {
    static final Duration FAILOVER = Duration.ofSeconds(3);

    final String name;
    final Connection connection;
    final JdbcProjection<CounterEvent> projection;
    final ProjectionRunner<CounterEvent> runner;
    private final List<CuttableProxy> proxies = new ArrayList<>();
    private final KillableDataSource db;
    volatile boolean dead;

    ProjectionInstance(String name, String natsUrls, SubjectFilter filter, DataSource db) throws Exception {
        this(name, natsUrls, filter, db, 1);
    }

    ProjectionInstance(String name, String natsUrls, SubjectFilter filter, DataSource db, int partitions)
            throws Exception {
        this(name, natsUrls, filter, db, partitions, (c, events) -> {
            for (DeliveredEvent<CounterEvent> event : events) {
                CounterReadModel.write(c, event);
            }
        });
    }

    ProjectionInstance(
            String name,
            String natsUrls,
            SubjectFilter filter,
            DataSource db,
            int partitions,
            JdbcBatchHandler<CounterEvent> handler)
            throws Exception {
        this.name = name;
        for (String url : natsUrls.split(",")) {
            proxies.add(new CuttableProxy(URI.create(url.trim()).getPort()));
        }
        this.connection = connect(proxies.stream().map(CuttableProxy::url).toArray(String[]::new));
        this.db = new KillableDataSource(db);
        this.projection = JdbcProjection.ofBatches("totals", this.db, handler, CounterReadModel::clear);
        this.runner = NatsProjections.runner(connection, filter, new CounterCodec(), projection)
                .partitions(partitions)
                .maxActivePartitions(Math.max(1, partitions / 2))
                .failoverAfter(FAILOVER)
                .batchSize(100)
                .build();
    }

    /** Through the proxies only: servers the cluster announces are ignored, or the client would go round them. */
    private static Connection connect(String... urls) throws IOException, InterruptedException {
        return Nats.connect(Options.builder()
                .servers(urls)
                .ignoreDiscoveredServers()
                .noRandomize()
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .errorListener(new QuietErrorListener())
                .build());
    }

    void start() {
        runner.start();
    }

    boolean active() {
        return !dead && runner.status().active() && runner.status().state() == RunnerState.RUNNING;
    }

    boolean positionsAtLeast(long sequence) {
        return runner.status().partitions().stream().allMatch(p -> p.position() >= sequence);
    }

    /**
     * Dies abruptly, as under SIGKILL: the proxy stops accepting and cuts the TCP connection (the client neither closes
     * nor flushes it, and its reconnect attempts never reach the server again), and its database sessions are closed
     * from outside (a transaction in progress rolls back) with no new one possible. Its threads may run on, but can
     * neither acknowledge nor write anything.
     */
    void kill() {
        dead = true;
        proxies.forEach(CuttableProxy::close);
        db.kill();
    }

    void stop() {
        runner.stop();
        projection.closeConnection();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proxies.forEach(CuttableProxy::close);
    }
}
