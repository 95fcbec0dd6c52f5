package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live instance whose call into the projection hangs gives its consumer up after the apply timeout, reports STUCK
 * with the reason, a standby takes over, and the hung call's late result is discarded.
 */
class StuckApplyTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void anInstanceWhoseApplyHangsGivesItsPinUpReportsStuckAndAStandbyTakesOver() throws Exception {
        String store = "stuck";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        SharedDatabase db = new SharedDatabase();
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Connection a = NATS.server().connect();
        Connection b = NATS.server().connect();
        EventStreamFixture stream = new EventStreamFixture(a, store);
        ProjectionRunner<CounterEvent> first = runner(a, filter, new Conditional(db, hung, release));
        ProjectionRunner<CounterEvent> standby = runner(b, filter, new Conditional(db, null, null));
        try {
            for (int i = 0; i < 5; i++) {
                stream.append(new CounterEvent.Added("c-" + i, 1));
            }
            first.start();
            assertThat(first.awaitPosition(5, Duration.ofSeconds(10))).isTrue();
            standby.start();
            Thread.sleep(500);

            stream.append(new CounterEvent.Added("hang", 1)); // sequence 6: the first instance's apply hangs
            long last = 0;
            for (int i = 5; i < 10; i++) {
                last = stream.append(new CounterEvent.Added("c-" + i, 1));
            }
            assertThat(hung.await(10, TimeUnit.SECONDS)).isTrue();
            long hungAt = System.nanoTime();

            // the standby takes over while the first instance's call still hangs
            assertThat(standby.awaitPosition(last, Duration.ofSeconds(20)))
                    .as("the standby applies everything while the first instance hangs")
                    .isTrue();
            System.out.printf(
                    "take-over after a hung apply: %d ms (apply timeout %d ms, failoverAfter 3000 ms)%n",
                    (System.nanoTime() - hungAt) / 1_000_000, APPLY_TIMEOUT.toMillis());
            assertThat(first.status().state()).isEqualTo(RunnerState.STUCK);
            assertThat(first.status().failure())
                    .hasValueSatisfying(
                            reason -> assertThat(reason).contains("sequence 6").contains("apply timeout"));
            assertThat(db.commits()).containsExactlyElementsOf(sequences(1, last));

            release.countDown(); // the hung call returns late
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (first.status().state() != RunnerState.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(first.status().state()).isEqualTo(RunnerState.RUNNING);
            assertThat(first.status().applied())
                    .as("the late result is not counted")
                    .isEqualTo(5);

            long after = stream.append(new CounterEvent.Added("c-after", 1));
            assertThat(standby.awaitPosition(after, Duration.ofSeconds(10))).isTrue();
            assertThat(db.commits())
                    .as("every event stored exactly once")
                    .containsExactlyElementsOf(sequences(1, after));
        } finally {
            release.countDown();
            first.close();
            standby.close();
            a.close();
            b.close();
        }
    }

    private static ProjectionRunner<CounterEvent> runner(
            Connection nc, SubjectFilter filter, Projection<CounterEvent> projection) {
        return NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .failoverAfter(Duration.ofSeconds(3))
                .applyTimeout(APPLY_TIMEOUT)
                .build();
    }

    private static List<Long> sequences(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** The read model's storage, shared by both instances: a checkpoint and the sequences stored. */
    private static final class SharedDatabase {
        private long checkpoint;
        private final List<Long> commits = new ArrayList<>();

        synchronized List<Long> commits() {
            return List.copyOf(commits);
        }
    }

    /**
     * Stores each event's sequence on the condition that the stored checkpoint is the one the runner expects (as
     * {@code JdbcProjection} does); hangs on the event of counter {@code hang} when given a latch.
     */
    private record Conditional(SharedDatabase db, CountDownLatch hung, CountDownLatch release)
            implements Projection<CounterEvent> {
        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public OptionalLong checkpoint() {
            synchronized (db) {
                return OptionalLong.of(db.checkpoint);
            }
        }

        @Override
        public void apply(DeliveredEvent<CounterEvent> e) {
            if (release != null && e.event().counter().equals("hang")) {
                hung.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (db) {
                if (db.checkpoint >= e.sequence()) {
                    return;
                }
                if (e.expectedCheckpoint() >= 0 && db.checkpoint != e.expectedCheckpoint()) {
                    throw new CheckpointMoved("stuck", e.expectedCheckpoint(), db.checkpoint);
                }
                db.commits.add(e.sequence());
                db.checkpoint = e.sequence();
            }
        }

        @Override
        public void reset() {
            synchronized (db) {
                db.commits.clear();
                db.checkpoint = 0;
            }
        }
    }
}
