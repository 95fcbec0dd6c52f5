package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read model's checkpoint belongs to one incarnation of the stream: after the stream is deleted and created again
 * its sequences name other events, so the old data and checkpoint are discarded and the new stream applied from its
 * first event – never folded together with the old one.
 */
class CheckpointStreamIdentityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void aRecreatedStreamDiscardsTheOldCheckpointAndDataAndRebuildsFromItsEvents() throws Exception {
        String store = "incarnations";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database("incarnations");
        CounterReadModel.createTables(db);
        try (Connection nc = NATS.server().connect()) {
            EventStreamFixture first = new EventStreamFixture(nc, store);
            List<CounterEvent> before = JdbcProjectionContract.counterEvents(200, new Random(1));
            List<Long> beforeSequences = first.append(before);
            run(nc, filter, db);
            assertThat(CounterReadModel.snapshot(db)).isEqualTo(CounterReadModel.expected(before, beforeSequences));

            nc.jetStreamManagement().deleteStream(store);
            Thread.sleep(1_100); // the identity is the creation time: make sure the new one differs
            EventStreamFixture second = new EventStreamFixture(nc, store);
            List<CounterEvent> after = JdbcProjectionContract.counterEvents(250, new Random(2));
            List<Long> afterSequences = second.append(after);
            run(nc, filter, db);

            assertThat(CounterReadModel.snapshot(db))
                    .as("only the new stream's events, each once")
                    .isEqualTo(CounterReadModel.expected(after, afterSequences));
        }
    }

    private static void run(Connection nc, SubjectFilter filter, DataSource db) throws Exception {
        JdbcProjection<CounterEvent> projection =
                JdbcProjection.of("totals", db, CounterReadModel::write, CounterReadModel::clear);
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .build()) {
            runner.start();
            runner.caughtUp().get(60, TimeUnit.SECONDS);
        } finally {
            projection.closeConnection();
        }
    }
}
