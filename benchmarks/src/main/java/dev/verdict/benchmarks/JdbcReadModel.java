package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.jdbc.JdbcDataReset;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.testing.postgres.PostgresBinaries;
import dev.verdict.testing.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Scenario 10: a read model in PostgreSQL ({@code JdbcProjection}, one row per entity) catching up with the same
 * 100,000 events as the in-memory view of scenario 6 – in batches (the default) and event by event – against that
 * in-memory view, in one run.
 */
final class JdbcReadModel implements Scenario {
    static final String CATEGORY = "jdbc";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static final String UPSERT = "INSERT INTO tally (entity, events, dispensed) VALUES (?, 1, ?)"
            + " ON CONFLICT (entity) DO UPDATE SET events = tally.events + 1,"
            + " dispensed = tally.dispensed + EXCLUDED.dispensed";

    private static void bind(PreparedStatement ps, DeliveredEvent<PrescriptionEvent> delivered)
            throws java.sql.SQLException {
        ps.setString(1, delivered.recorded().entity().id().value());
        ps.setInt(2, delivered.event() instanceof PrescriptionEvent.DrugDispensed d ? d.quantity() : 0);
    }

    @Override
    public String id() {
        return "10";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        int events = s.projectionEvents();
        ScenarioResult result = new ScenarioResult(
                id(),
                String.format(Locale.ROOT, "Read model in PostgreSQL, %,d events", events),
                String.format(
                        Locale.ROOT,
                        "%,d events over %,d entities. Verdict JDBC: a `JdbcProjection` on a durable (failover)"
                                + " runner upserting one row per entity (events, quantity dispensed) into a fresh"
                                + " PostgreSQL database over loopback (Debian's server, started by the benchmark with"
                                + " fsync and synchronous_commit off), from the first event until caught up; batched"
                                + " (default: up to 200 events per transaction, 20 ms) – with a `JdbcBatchHandler`"
                                + " using `executeBatch`, and with a per-event `JdbcEventHandler` – and event by event"
                                + " (`applyBatches(1, …)`). In memory: scenario 6's view on the same runner kind."
                                + " %d warm-up + %d repeats, interleaved.",
                        events,
                        ProjectionCatchUp.ENTITIES,
                        s.warmups(),
                        s.projectionRepeats()));
        String caseName = String.format(Locale.ROOT, "%,d events", events);
        Optional<Path> bin = PostgresBinaries.locate();
        if (bin.isEmpty()) {
            String why = "PostgreSQL binaries not found (scripts/install-postgres installs them)";
            result.add(Measurement.notMeasured(id(), caseName, "Verdict JDBC projection, batched", why));
            result.add(
                    Ratio.notMeasured(id(), caseName, "JDBC batched / in memory (events/s)", Target.atLeast(0.5), why));
            return result;
        }
        VerdictProjection memory = VerdictProjection.open(ctx);
        memory.prepare(CATEGORY, events, ProjectionCatchUp.ENTITIES);
        try (PostgresServer postgres = PostgresServer.start(bin.get())) {
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            variants.put("memory", () -> memory.catchUp(CATEGORY, events));
            variants.put("jdbc executeBatch", () -> jdbcCatchUp(ctx, postgres, events, 200, true));
            variants.put("jdbc batched", () -> jdbcCatchUp(ctx, postgres, events, 200, false));
            variants.put("jdbc one by one", () -> jdbcCatchUp(ctx, postgres, events, 1, false));
            Map<String, List<Trial>> r = Pairs.run(s.warmups(), s.projectionRepeats(), variants);
            result.add(Measurement.throughput(id(), caseName, "Verdict in-memory view", "events/s", r.get("memory")));
            result.add(Measurement.throughput(
                    id(),
                    caseName,
                    "Verdict JDBC projection, batched, JdbcBatchHandler (executeBatch)",
                    "events/s",
                    r.get("jdbc executeBatch")));
            result.add(Measurement.throughput(
                    id(),
                    caseName,
                    "Verdict JDBC projection, batched, JdbcEventHandler",
                    "events/s",
                    r.get("jdbc batched")));
            result.add(Measurement.throughput(
                    id(), caseName, "Verdict JDBC projection, event by event", "events/s", r.get("jdbc one by one")));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "JDBC batched (executeBatch) / in memory (events/s)",
                    r.get("jdbc executeBatch"),
                    r.get("memory"),
                    Trial::throughput,
                    Target.atLeast(0.5)));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "JDBC batched (event handler) / in memory (events/s)",
                    r.get("jdbc batched"),
                    r.get("memory"),
                    Trial::throughput,
                    Target.none()));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "JDBC batched (event handler) / JDBC event by event (events/s)",
                    r.get("jdbc batched"),
                    r.get("jdbc one by one"),
                    Trial::throughput,
                    Target.none()));
        }
        memory.close();
        return result;
    }

    /** One catch-up of a fresh read model in a fresh database; one operation per event. */
    private static Trial jdbcCatchUp(
            BenchmarkContext ctx, PostgresServer postgres, int events, int batch, boolean executeBatch) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(postgres.createDatabase("bench"));
        ds.setUser(PostgresServer.USER);
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE tally (entity VARCHAR(64) PRIMARY KEY, events BIGINT NOT NULL,"
                    + " dispensed BIGINT NOT NULL)");
        } catch (Exception e) {
            throw new BenchmarkFailed("cannot create the read model's table: " + e, e);
        }
        String name = "bench-jdbc-" + NAMES.incrementAndGet();
        JdbcDataReset reset = connection -> {
            try (Statement st = connection.createStatement()) {
                st.executeUpdate("DELETE FROM tally");
            }
        };
        JdbcProjection<PrescriptionEvent> projection = executeBatch
                ? JdbcProjection.ofBatches(
                        name,
                        ds,
                        (connection, delivered) -> {
                            try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
                                for (DeliveredEvent<PrescriptionEvent> d : delivered) {
                                    bind(ps, d);
                                    ps.addBatch();
                                }
                                ps.executeBatch();
                            }
                        },
                        reset)
                : JdbcProjection.of(
                        name,
                        ds,
                        (connection, delivered) -> {
                            try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
                                bind(ps, delivered);
                                ps.executeUpdate();
                            }
                        },
                        reset);
        ProjectionRunner<PrescriptionEvent> runner = NatsProjections.runner(
                        ctx.verdictConnection,
                        SubjectFilter.category(ctx.verdict.storeName(), Category.of(CATEGORY)),
                        ctx.verdict.codec,
                        message -> NatsRecordedEvents.fromMessage(ctx.verdict.storeName(), message),
                        projection)
                .batchSize(500)
                .applyBatches(batch, Duration.ofMillis(20))
                .build();
        long start = System.nanoTime();
        try {
            runner.start();
            runner.caughtUp().get(600, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new BenchmarkFailed("JDBC projection did not catch up: " + e, e);
        } finally {
            runner.stop();
            projection.closeConnection();
        }
        long elapsed = System.nanoTime() - start;
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(events), 0) FROM tally")) {
            rs.next();
            if (rs.getLong(1) != events) {
                throw new BenchmarkFailed(
                        "JDBC projection applied " + rs.getLong(1) + " events, expected " + events, null);
            }
        } catch (BenchmarkFailed e) {
            throw e;
        } catch (Exception e) {
            throw new BenchmarkFailed("cannot count the read model: " + e, e);
        }
        try {
            ctx.verdictConnection
                    .jetStreamManagement()
                    .deleteConsumer(ctx.verdict.storeName().value(), runner.consumerName());
        } catch (Exception e) {
            // a consumer left behind only costs the server a little memory during the run
        }
        LatencySamples one = new LatencySamples();
        one.add(elapsed);
        return new Trial(events, elapsed, one, Map.of());
    }
}
