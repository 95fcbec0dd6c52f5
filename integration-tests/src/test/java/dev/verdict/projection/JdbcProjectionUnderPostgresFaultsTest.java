package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import java.sql.Statement;
import java.time.Duration;
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
 * Three instances run a JDBC projection on one real PostgreSQL while events keep coming, and the database fails the
 * ways a deployment's does – each fault injected on the server, never simulated in the code under test: made read-only
 * (as after a fail-over to a replica) with its sessions terminated, a table locked by another session past the
 * projection's {@code lock_timeout}, out of connections for the projection's role (53300), and restarted. A storage
 * outage is never the event's fault: no event is dead-lettered, every runner is running afterwards, and the read model
 * equals a replay of the events.
 */
class JdbcProjectionUnderPostgresFaultsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    private static final Logger LOG = LoggerFactory.getLogger(JdbcProjectionUnderPostgresFaultsTest.class);
    private static final Duration FAULT = Duration.ofSeconds(3);
    /** How much longer a fault is held, at most, for an instance to meet it after a retry pause (maxBackoff + slack). */
    private static final Duration REASON_SHOWN_WITHIN = Duration.ofSeconds(10);

    private static final String ROLE = "projection_app";

    @Test
    void readOnlyLockedOutOfConnectionsAndRestartedUnderLoadNothingIsDeadLetteredAndTheReadModelEqualsAReplay()
            throws Exception {
        PostgresServer pg = POSTGRES.server();
        NatsServer nats = NATS.server();
        String url = pg.createDatabase("faults");
        String database = url.substring(url.lastIndexOf('/') + 1);
        // the projection connects as an ordinary role (a superuser ignores connection limits and read-only mode)
        pg.superuserSql("postgres", "CREATE ROLE " + ROLE + " LOGIN; ALTER DATABASE " + database + " OWNER TO " + ROLE);
        DataSource db = dataSource(url, ROLE, "-c lock_timeout=200ms");
        CounterReadModel.createTables(db);

        String store = "pgfaults";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        List<ProjectionInstance> instances = new ArrayList<>();
        CounterLoad load = null;
        try (Connection admin = nats.connect()) {
            EventStreamFixture stream = new EventStreamFixture(admin, store);
            for (int i = 0; i < 3; i++) {
                instances.add(new ProjectionInstance("i" + i, nats.url(), filter, db));
            }
            instances.forEach(ProjectionInstance::start);
            load = new CounterLoad(stream, 7);
            load.start();
            awaitCaughtUp(instances, load.lastSequence());

            LOG.info("fault 1: the database is read-only (as after a fail-over) and its sessions are terminated");
            pg.superuserSql(
                    "postgres",
                    "SET default_transaction_read_only = off;"
                            + " ALTER SYSTEM SET default_transaction_read_only = on; SELECT pg_reload_conf();"
                            + terminateSessions());
            holdExpectingHealthToName(instances, "25006");
            pg.superuserSql(
                    "postgres",
                    "SET default_transaction_read_only = off;"
                            + " ALTER SYSTEM RESET default_transaction_read_only; SELECT pg_reload_conf();");
            awaitCaughtUp(instances, load.lastSequence());

            LOG.info("fault 2: a table locked by another session past the projection's lock_timeout");
            try (java.sql.Connection locker =
                    dataSource(url, PostgresServer.USER, "").getConnection()) {
                locker.setAutoCommit(false);
                try (Statement st = locker.createStatement()) {
                    st.execute("LOCK TABLE counter_totals IN ACCESS EXCLUSIVE MODE");
                }
                holdExpectingHealthToName(instances, "55P03");
                locker.rollback();
            }
            awaitCaughtUp(instances, load.lastSequence());

            LOG.info("fault 3: out of connections (53300) for the projection's role, its sessions terminated");
            pg.superuserSql("postgres", "ALTER ROLE " + ROLE + " CONNECTION LIMIT 0;" + terminateSessions());
            holdExpectingHealthToName(instances, "53300");
            pg.superuserSql("postgres", "ALTER ROLE " + ROLE + " CONNECTION LIMIT -1;");
            awaitCaughtUp(instances, load.lastSequence());

            LOG.info("fault 4: PostgreSQL restarted (fast shutdown, 2 s down)");
            pg.restart(Duration.ofSeconds(2));

            load.stop();
            long last = load.lastSequence();
            awaitCaughtUp(instances, last);
            for (ProjectionInstance instance : instances) {
                assertThat(instance.runner.status().state())
                        .as(
                                "%s is running after the faults (failure: %s)",
                                instance.name, instance.runner.status().failure())
                        .isEqualTo(RunnerState.RUNNING);
                assertThat(instance.runner.status().deadLettered())
                        .as("events %s dead-lettered", instance.name)
                        .isZero();
            }
            assertThat(NatsDeadLetters.openForStream(admin, store).list(store, "totals"))
                    .as("dead letters")
                    .isEmpty();
            assertThat(CounterReadModel.snapshot(db))
                    .as("the read model after the faults equals a replay of the %d events", load.appended())
                    .isEqualTo(load.expectedReadModel());
        } finally {
            if (load != null) {
                load.stop();
            }
            instances.forEach(ProjectionInstance::stop);
        }
    }

    /**
     * Keeps the fault on for {@link #FAULT}, checking meanwhile that an instance's status (what its health shows) names
     * it as the reason it is waiting; afterwards the instance applying events again waits for nothing.
     */
    private static void holdExpectingHealthToName(List<ProjectionInstance> instances, String sqlState)
            throws InterruptedException {
        // at least FAULT, and until the reason shows: an instance that met the fault first as a terminated session
        // (57P01) retries only after the retry policy's maxBackoff (5 s), and only then meets the fault's own state
        long start = System.nanoTime();
        long end = start + FAULT.toNanos();
        long latest = start + FAULT.plus(REASON_SHOWN_WITHIN).toNanos();
        boolean named = false;
        while (System.nanoTime() < end || (!named && System.nanoTime() < latest)) {
            named |= instances.stream()
                    .flatMap(i -> i.runner.status().partitions().stream())
                    .anyMatch(p -> p.waiting().filter(w -> w.contains(sqlState)).isPresent());
            Thread.sleep(20);
        }
        assertThat(named)
                .as("an instance's status names SQLState %s as the reason it waits", sqlState)
                .isTrue();
    }

    private static String terminateSessions() {
        return " SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + ROLE + "';";
    }

    /** Waits until the active instance applied every event up to the sequence, and then waits for nothing. */
    private static void awaitCaughtUp(List<ProjectionInstance> instances, long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (instances.stream().noneMatch(i -> i.active() && i.positionsAtLeast(sequence))) {
            assertThat(System.nanoTime())
                    .as("an instance is active and applied every event up to %d", sequence)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        for (ProjectionInstance instance : instances) {
            if (instance.active() && instance.positionsAtLeast(sequence)) {
                assertThat(instance.runner.status().partitions())
                        .as("%s applies again: it waits for nothing", instance.name)
                        .allMatch(p -> p.waiting().isEmpty());
            }
        }
    }

    private static DataSource dataSource(String url, String user, String options) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        if (!options.isEmpty()) {
            ds.setOptions(options);
        }
        ds.setConnectTimeout(5);
        return ds;
    }
}
