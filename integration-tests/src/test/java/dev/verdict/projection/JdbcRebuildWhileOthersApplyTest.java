package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC projection rebuilt on one of three instances while the two others apply its partitions under load, twenty
 * times over, on a real PostgreSQL: the rebuild is atomic against those appliers – a batch they were writing either
 * committed before the reset took the checkpoint fence (and is cleared with the rest) or waits for it and then finds
 * its checkpoint moved (and writes nothing) – so after every rebuild the read model equals a clean replay: no event
 * applied twice, none lost.
 */
class JdbcRebuildWhileOthersApplyTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    private static final Logger LOG = LoggerFactory.getLogger(JdbcRebuildWhileOthersApplyTest.class);
    private static final int ROUNDS = 20;

    @Test
    void aRebuildOnOneInstanceWhileTwoApplyEndsEqualToAReplayInEveryRound() throws Exception {
        NatsServer nats = NATS.server();
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setURL(POSTGRES.server().createDatabase("rebuild_race"));
        db.setUser(PostgresServer.USER);
        CounterReadModel.createTables(db);
        String store = "rebuildrace";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        List<ProjectionInstance> instances = new ArrayList<>();
        CounterLoad load = null;
        try (Connection admin = nats.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, store);
            // two partitions, at most one per instance: two instances apply, the third stands by
            for (int i = 0; i < 3; i++) {
                instances.add(new ProjectionInstance(
                        "i" + i, nats.url(), filter, db, 2, JdbcRebuildWhileOthersApplyTest::slowBatch));
            }
            instances.forEach(ProjectionInstance::start);
            load = new CounterLoad(stream, 11);
            for (int round = 1; round <= ROUNDS; round++) {
                load.start();
                awaitTwoApplying(instances);
                Thread.sleep(150);
                ProjectionInstance rebuilder = instances.stream()
                        .filter(i -> i.runner.status().partitions().stream().noneMatch(PartitionStatus::active))
                        .findFirst()
                        .orElse(instances.get(round % 3));
                LOG.info("round {}: rebuilding on {} at sequence {}", round, rebuilder.name, load.lastSequence());
                rebuilder.runner.rebuild(progress -> {});
                Thread.sleep(200);
                load.stop();
                awaitReadModel(db, load, round);
            }
        } finally {
            if (load != null) {
                load.stop();
            }
            instances.forEach(ProjectionInstance::stop);
        }
    }

    /** The counter read model, plus a short pause per batch as a real handler's work takes (widens the race). */
    private static void slowBatch(java.sql.Connection c, List<DeliveredEvent<CounterEvent>> events)
            throws java.sql.SQLException {
        for (DeliveredEvent<CounterEvent> event : events) {
            CounterReadModel.write(c, event);
        }
        if (events.size() > 1) { // a batch from the consumer; events read one by one (a replay's gap reads) stay fast
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_sleep(0.02)");
            }
        }
    }

    private static void awaitTwoApplying(List<ProjectionInstance> instances) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (instances.stream()
                        .filter(i -> i.runner.status().state() == RunnerState.RUNNING
                                && i.runner.status().partitions().stream().anyMatch(PartitionStatus::active))
                        .count()
                < 2) {
            assertThat(System.nanoTime())
                    .as("two instances apply a partition each")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Waits until the read model equals a replay of every appended event; fails with the last difference. */
    private static void awaitReadModel(DataSource db, CounterLoad load, int round) throws Exception {
        List<String> expected = load.expectedReadModel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> actual = CounterReadModel.snapshot(db);
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            actual = CounterReadModel.snapshot(db);
        }
        assertThat(actual)
                .as(
                        "round %d: the read model after a rebuild under load equals a replay of %d events",
                        round, load.appended())
                .isEqualTo(expected);
    }
}
