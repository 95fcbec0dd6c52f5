package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance of {@link JdbcProjection}, run against each database by a subclass: crashes at random points never
 * change the outcome, and a rebuild equals the live read model.
 */
abstract class JdbcProjectionContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    /** A fresh, empty database. */
    abstract DataSource newDatabase(String name);

    @Test
    void crashedAtRandomPointsAndRestartedFiveTimesEndsExactlyLikeACleanReplay() throws Exception {
        NatsServer server = NATS.server();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Connection admin = server.connect()) {
            String store = "crash" + STORES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(admin, store);
            List<CounterEvent> events = counterEvents(10_000, random);
            List<Long> sequences = stream.append(events);
            SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));

            DataSource crashed = newDatabase("crashed");
            CounterReadModel.createTables(crashed);
            long previousCheckpoint = 0;
            for (int round = 1; round <= 5; round++) {
                int killAt = 200 + random.nextInt(1_500);
                boolean afterCommit = random.nextBoolean();
                Connection nc = server.connect();
                AtomicInteger seen = new AtomicInteger();
                JdbcProjection<CounterEvent> projection = JdbcProjection.of(
                        "totals",
                        crashed,
                        (c, e) -> {
                            CounterReadModel.write(c, e);
                            if (seen.incrementAndGet() == killAt) {
                                closeQuietly(nc); // acks of this batch are lost with the connection
                                if (!afterCommit) {
                                    throw new SimulatedCrash("killed before commit at " + e.sequence());
                                }
                            }
                        },
                        CounterReadModel::clear);
                ProjectionRunner<CounterEvent> runner = runner(nc, filter, projection);
                runner.start();
                awaitState(runner, RunnerState.FAILED);
                runner.stop();
                projection.closeConnection();
                closeQuietly(nc);

                long checkpoint = JdbcProjection.of("totals", crashed, (c, e) -> {}, c -> {})
                        .checkpoint()
                        .orElseThrow();
                assertThat(checkpoint)
                        .as(
                                "round %d (kill after %d events, %s commit, seed %d) resumed and progressed",
                                round, killAt, afterCommit ? "after" : "before", seed)
                        .isGreaterThan(previousCheckpoint);
                previousCheckpoint = checkpoint;
            }

            try (Connection nc = server.connect()) {
                JdbcProjection<CounterEvent> projection =
                        JdbcProjection.of("totals", crashed, CounterReadModel::write, CounterReadModel::clear);
                ProjectionRunner<CounterEvent> runner = runner(nc, filter, projection);
                runner.start();
                runner.caughtUp().get(120, TimeUnit.SECONDS);
                runner.stop();
                projection.closeConnection();
            }

            DataSource clean = newDatabase("clean");
            CounterReadModel.createTables(clean);
            try (Connection nc = server.connect()) {
                JdbcProjection<CounterEvent> projection =
                        JdbcProjection.of("clean-totals", clean, CounterReadModel::write, CounterReadModel::clear);
                ProjectionRunner<CounterEvent> runner = runner(nc, filter, projection);
                runner.start();
                runner.caughtUp().get(120, TimeUnit.SECONDS);
                runner.stop();
                projection.closeConnection();
            }

            List<String> afterCrashes = CounterReadModel.snapshot(crashed);
            assertThat(afterCrashes).as("seed %d", seed).isEqualTo(CounterReadModel.snapshot(clean));
            assertThat(afterCrashes).as("seed %d", seed).isEqualTo(CounterReadModel.expected(events, sequences));
        }
    }

    @Test
    void rebuildFromScratchGivesTheSameReadModelAsTheLiveProjection() throws Exception {
        NatsServer server = NATS.server();
        try (Connection nc = server.connect()) {
            String store = "rebuild" + STORES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(nc, store);
            List<CounterEvent> events = counterEvents(4_000, new Random(7));
            List<Long> sequences = stream.append(events);
            DataSource db = newDatabase("rebuild");
            CounterReadModel.createTables(db);
            JdbcProjection<CounterEvent> projection =
                    JdbcProjection.of("totals", db, CounterReadModel::write, CounterReadModel::clear);
            ProjectionRunner<CounterEvent> runner =
                    runner(nc, SubjectFilter.category(StoreName.of(store), Category.of("counter")), projection);
            runner.start();
            runner.caughtUp().get(60, TimeUnit.SECONDS);
            List<String> live = CounterReadModel.snapshot(db);

            List<RebuildProgress> progress = new CopyOnWriteArrayList<>();
            RebuildProgress done = runner.rebuild(progress::add).get(60, TimeUnit.SECONDS);
            List<String> rebuilt = CounterReadModel.snapshot(db);
            runner.stop();
            projection.closeConnection();

            assertThat(rebuilt).isEqualTo(live).isEqualTo(CounterReadModel.expected(events, sequences));
            assertThat(done.applied()).isEqualTo(4_000);
            assertThat(done.total()).isEqualTo(4_000);
            assertThat(progress).last().isEqualTo(done);
        }
    }

    @Test
    void aFailingEventInABatchIsAppliedAloneAndDeadLetteredWhileTheOthersAreAppliedOnce() throws Exception {
        NatsServer server = NATS.server();
        try (Connection nc = server.connect()) {
            String store = "batches" + STORES.incrementAndGet();
            EventStreamFixture stream = new EventStreamFixture(nc, store);
            List<CounterEvent> events = new ArrayList<>(counterEvents(3_000, new Random(3)));
            List<Long> sequences = stream.append(events);
            long poisoned = sequences.get(1_234);
            DataSource db = newDatabase("batches");
            CounterReadModel.createTables(db);
            AtomicInteger batchCalls = new AtomicInteger();
            JdbcProjection<CounterEvent> inner = JdbcProjection.of(
                    "totals",
                    db,
                    (c, e) -> {
                        if (e.sequence() == poisoned) {
                            throw new IllegalStateException("refused " + e.sequence());
                        }
                        CounterReadModel.write(c, e);
                    },
                    CounterReadModel::clear);
            Projection<CounterEvent> counting = new Projection<>() {
                @Override
                public String name() {
                    return inner.name();
                }

                @Override
                public java.util.OptionalLong checkpoint() {
                    return inner.checkpoint();
                }

                @Override
                public void apply(DeliveredEvent<CounterEvent> event) {
                    inner.apply(event);
                }

                @Override
                public boolean appliesBatches() {
                    return true;
                }

                @Override
                public void applyBatch(List<DeliveredEvent<CounterEvent>> batch) {
                    batchCalls.incrementAndGet();
                    inner.applyBatch(batch);
                }

                @Override
                public void reset() {
                    inner.reset();
                }
            };
            NatsDeadLetters deadLetters = NatsDeadLetters.open(nc, "dl-" + store);
            try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                            nc,
                            SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                            new CounterCodec(),
                            counting)
                    .retryPolicy(new ApplyRetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), 2.0))
                    .deadLetters(deadLetters)
                    .build()) {
                runner.start();
                assertThat(runner.awaitPosition(sequences.get(sequences.size() - 1), Duration.ofSeconds(60)))
                        .isTrue();
                assertThat(runner.status().deadLettered()).isEqualTo(1);
            } finally {
                inner.closeConnection();
            }
            assertThat(batchCalls.get()).as("events were applied in batches").isLessThan(events.size() / 10);
            assertThat(deadLetters.list(store, "totals"))
                    .extracting(DeadLetter::sequence)
                    .containsExactly(poisoned);
            int index = sequences.indexOf(poisoned);
            List<CounterEvent> withoutPoisoned = new ArrayList<>(events);
            List<Long> sequencesWithoutPoisoned = new ArrayList<>(sequences);
            withoutPoisoned.remove(index);
            sequencesWithoutPoisoned.remove(index);
            assertThat(CounterReadModel.snapshot(db))
                    .isEqualTo(CounterReadModel.expected(withoutPoisoned, sequencesWithoutPoisoned));
        }
    }

    private static ProjectionRunner<CounterEvent> runner(
            Connection nc, SubjectFilter filter, Projection<CounterEvent> projection) {
        return NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .batchSize(200)
                .build();
    }

    static List<CounterEvent> counterEvents(int count, Random random) {
        List<CounterEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String counter = String.format("c-%03d", random.nextInt(50));
            events.add(
                    random.nextInt(20) == 0
                            ? new CounterEvent.Reset(counter)
                            : new CounterEvent.Added(counter, 1 + random.nextInt(100)));
        }
        return events;
    }

    static void awaitState(ProjectionRunner<?> runner, RunnerState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runner.status().state() != state) {
            assertThat(System.nanoTime())
                    .as("runner reaches %s; status %s", state, runner.status())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
