package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream deleted and created again under a running runner: the runner waits for it instead of failing, then
 * discards the old incarnation's data and applies the new stream's events, each once.
 */
class StreamRecreatedUnderRunnerTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void aStreamDeletedAndCreatedAgainUnderARunningRunnerNeverFailsItAndOnlyTheNewEventsAreApplied() throws Exception {
        String store = "recreated";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database("recreated");
        CounterReadModel.createTables(db);
        Connection nc = NATS.connection();
        EventStreamFixture first = new EventStreamFixture(nc, store);
        List<CounterEvent> before = JdbcProjectionContract.counterEvents(200, new Random(1));
        List<Long> beforeSequences = first.append(before);
        JdbcProjection<CounterEvent> projection =
                JdbcProjection.of("totals", db, CounterReadModel::write, CounterReadModel::clear);
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .build()) {
            runner.start();
            assertThat(runner.awaitPosition(200, Duration.ofSeconds(30))).isTrue();
            assertThat(CounterReadModel.snapshot(db)).isEqualTo(CounterReadModel.expected(before, beforeSequences));

            nc.jetStreamManagement().deleteStream(store);
            Thread.sleep(3_000); // the runner notices: its consumer is gone, and so is the stream
            assertThat(runner.status().state())
                    .as("a missing stream is waited for, never a failure")
                    .isEqualTo(RunnerState.RUNNING);

            EventStreamFixture second = new EventStreamFixture(nc, store);
            List<CounterEvent> after = JdbcProjectionContract.counterEvents(250, new Random(2));
            List<Long> afterSequences = second.append(after);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!CounterReadModel.snapshot(db).equals(CounterReadModel.expected(after, afterSequences))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }

            assertThat(CounterReadModel.snapshot(db))
                    .as("only the new stream's events, each once")
                    .isEqualTo(CounterReadModel.expected(after, afterSequences));
            assertThat(runner.status().state()).isEqualTo(RunnerState.RUNNING);
        } finally {
            projection.closeConnection();
        }
    }
}
