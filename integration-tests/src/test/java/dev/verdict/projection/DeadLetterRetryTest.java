package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retry request ({@code verdict dead-letters retry}) with two instances of a JDBC projection running on one shared
 * consumer: only the instance NATS pinned applies it, once; below the checkpoint the checkpoint stays, above it the
 * event is applied as the next one and the checkpoint moves to it (a restart does not apply it again); a retry that
 * fails again keeps the dead letter with its attempts grown and the request marked failed.
 */
class DeadLetterRetryTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String STORE = "dlretry";
    private static final SubjectFilter FILTER = SubjectFilter.category(StoreName.of(STORE), Category.of("counter"));

    private final AtomicBoolean failing = new AtomicBoolean(true); // events of counter "p" fail until fixed
    /** Successful applications of each event of counter "p", by the instance that applied it. */
    private final Map<Long, List<String>> appliedBy = new ConcurrentHashMap<>();

    @Test
    void onlyThePinnedInstanceAppliesARetryOnceAndAFailedRetryKeepsTheDeadLetter() throws Exception {
        DataSource db = SeveralRunnersTest.database("dlretry");
        CounterReadModel.createTables(db);
        try (Connection one = NATS.connection();
                Connection two = Nats.connect(NATS.server().url())) {
            NatsDeadLetters deadLetters = NatsDeadLetters.open(one, "dl-retry");
            EventStreamFixture stream = new EventStreamFixture(one, STORE);
            List<CounterEvent> events = new ArrayList<>(List.of(
                    new CounterEvent.Added("a", 1), new CounterEvent.Added("p", 2), new CounterEvent.Added("b", 3)));
            List<Long> sequences = new ArrayList<>(stream.append(events));
            long poison = sequences.get(1);
            ProjectionRunner<CounterEvent> first = runner(one, db, "one", deadLetters);
            ProjectionRunner<CounterEvent> second = runner(two, db, "two", deadLetters);
            try {
                first.start();
                second.start();
                await("both caught up", () -> caughtUp(first, second, sequences.get(2)));
                assertThat(deadLetters.sequences(STORE, "totals")).containsExactly(poison);
                long checkpoint = checkpoint(db);
                assertThat(checkpoint).as("a later event was applied").isEqualTo(sequences.get(2));

                // fixed; the retry below the checkpoint: applied once, by the instance holding the pin
                failing.set(false);
                String request =
                        deadLetters.requestRetry(STORE, "totals", poison).orElseThrow();
                assertThat(request).isNotBlank();
                await(
                        "the dead letter removed",
                        () -> deadLetters.retryState(STORE, "totals", poison).isEmpty());
                assertThat(appliedBy.get(poison))
                        .as("applications of the retried event")
                        .hasSize(1);
                String active = first.status().active() ? "one" : "two";
                assertThat(second.status().active())
                        .as("one active instance")
                        .isNotEqualTo(first.status().active());
                assertThat(appliedBy.get(poison)).containsExactly(active);
                assertThat(checkpoint(db)).as("the checkpoint stays").isEqualTo(checkpoint);

                // broken again: a new poison event above the checkpoint; a retry that fails keeps it
                failing.set(true);
                List<CounterEvent> more = List.of(new CounterEvent.Added("p", 4));
                events.addAll(more);
                sequences.addAll(stream.append(more));
                long last = sequences.get(3);
                await(
                        "the second poison dead-lettered",
                        () -> deadLetters.sequences(STORE, "totals").contains(last));
                String again = deadLetters.requestRetry(STORE, "totals", last).orElseThrow();
                await(
                        "the retry failed",
                        () -> deadLetters
                                .retryState(STORE, "totals", last)
                                .flatMap(NatsDeadLetters.RetryState::lastFailedRequest)
                                .equals(Optional.of(again)));
                NatsDeadLetters.RetryState failed =
                        deadLetters.retryState(STORE, "totals", last).orElseThrow();
                assertThat(failed.letter().attempts()).isEqualTo(2);
                assertThat(failed.letter().detail()).contains("poison at " + last);
                assertThat(failed.requestId()).isEmpty();
                assertThat(appliedBy).doesNotContainKey(last);

                // fixed; the retry above the checkpoint applies it in order: the checkpoint moves to it
                failing.set(false);
                deadLetters.requestRetry(STORE, "totals", last).orElseThrow();
                await(
                        "the second dead letter removed",
                        () -> deadLetters.retryState(STORE, "totals", last).isEmpty());
                assertThat(appliedBy.get(last)).hasSize(1);
                assertThat(checkpoint(db))
                        .as("the checkpoint moved to the retried event")
                        .isEqualTo(last);
            } finally {
                first.stop();
                second.stop();
            }
            // a restart resumes after the checkpoint: neither retried event is applied again
            List<CounterEvent> tail = List.of(new CounterEvent.Added("a", 5));
            events.addAll(tail);
            sequences.addAll(stream.append(tail));
            try (ProjectionRunner<CounterEvent> restarted = runner(one, db, "three", deadLetters)) {
                restarted.start();
                assertThat(restarted.awaitPosition(sequences.get(4), Duration.ofSeconds(20)))
                        .isTrue();
            }
            assertThat(CounterReadModel.snapshot(db))
                    .as("every event applied once")
                    .isEqualTo(CounterReadModel.expected(events, sequences));
            assertThat(appliedBy.values()).allSatisfy(by -> assertThat(by).hasSize(1));
        }
    }

    private ProjectionRunner<CounterEvent> runner(
            Connection nc, DataSource db, String instance, NatsDeadLetters deadLetters) {
        JdbcProjection<CounterEvent> projection = JdbcProjection.of(
                "totals",
                db,
                (c, e) -> {
                    if (e.event().counter().equals("p")) {
                        if (failing.get()) {
                            throw new IllegalStateException("poison at " + e.sequence());
                        }
                        appliedBy
                                .computeIfAbsent(e.sequence(), s -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(instance);
                        // slow enough that an instance applying it without the claim would overlap with another
                        sleep(500);
                    }
                    CounterReadModel.write(c, e);
                },
                CounterReadModel::clear);
        return NatsProjections.runner(nc, FILTER, new CounterCodec(), projection)
                .retryPolicy(ApplyRetryPolicy.none())
                .deadLetters(deadLetters)
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean caughtUp(ProjectionRunner<?> a, ProjectionRunner<?> b, long sequence) {
        return a.status().position() >= sequence && b.status().position() >= sequence;
    }

    private static long checkpoint(DataSource db) throws Exception {
        try (var c = db.getConnection();
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT last_sequence FROM " + JdbcProjection.CHECKPOINT_TABLE
                        + " WHERE projection = 'totals'")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
