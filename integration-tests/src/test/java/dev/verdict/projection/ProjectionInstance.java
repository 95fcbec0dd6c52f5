package dev.verdict.projection;

import dev.verdict.projection.jdbc.JdbcBatchHandler;
import dev.verdict.projection.jdbc.JdbcProjection;
import io.nats.client.Connection;
import java.time.Duration;
import javax.sql.DataSource;

/** One instance of a service in a test: its own NATS connection, projection object and runner. */
final class ProjectionInstance {
    static final Duration FAILOVER = Duration.ofSeconds(3);

    final String name;
    final Connection connection;
    final JdbcProjection<CounterEvent> projection;
    final ProjectionRunner<CounterEvent> runner;
    volatile boolean dead;

    ProjectionInstance(String name, Connection connection, SubjectFilter filter, DataSource db) {
        this(name, connection, filter, db, 1);
    }

    ProjectionInstance(String name, Connection connection, SubjectFilter filter, DataSource db, int partitions) {
        this(name, connection, filter, db, partitions, (c, events) -> {
            for (DeliveredEvent<CounterEvent> event : events) {
                CounterReadModel.write(c, event);
            }
        });
    }

    ProjectionInstance(
            String name,
            Connection connection,
            SubjectFilter filter,
            DataSource db,
            int partitions,
            JdbcBatchHandler<CounterEvent> handler) {
        this.name = name;
        this.connection = connection;
        this.projection = JdbcProjection.ofBatches("totals", db, handler, CounterReadModel::clear);
        this.runner = ProjectionRunner.builder(connection, filter, new CounterCodec(), projection)
                .partitions(partitions)
                .maxActivePartitions(Math.max(1, partitions / 2))
                .failoverAfter(FAILOVER)
                .batchSize(100)
                .build();
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

    /** Like a SIGKILL seen from NATS: the connection goes away without a goodbye. */
    void kill() throws InterruptedException {
        dead = true;
        connection.close();
    }

    void stop() {
        runner.stop();
        projection.closeConnection();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
