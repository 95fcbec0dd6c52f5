package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding 9: a dead letter names its event by stream and sequence – and by the stream's incarnation. After the stream
 * was deleted and created again, the same sequence names another event: replaying the old letter must not apply the
 * new stream's event out of order (the runner would apply it again in order: twice).
 */
class DeadLetterStreamIdentityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void aDeadLetterOfAnEarlierIncarnationOfTheStreamIsNotReplayedOntoTheNewOne() throws Exception {
        String store = "dlidentity";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database("dlidentity");
        CounterReadModel.createTables(db);
        Connection nc = NATS.connection();
        NatsDeadLetters deadLetters = NatsDeadLetters.open(nc, "dl-identity");
        AtomicBoolean failing = new AtomicBoolean(true); // events of counter "p" fail until the handler is fixed
        JdbcProjection<CounterEvent> projection = JdbcProjection.of(
                "totals",
                db,
                (c, e) -> {
                    if (e.event().counter().equals("p") && failing.get()) {
                        throw new IllegalStateException("poison at " + e.sequence());
                    }
                    CounterReadModel.write(c, e);
                },
                CounterReadModel::clear);

        // the first incarnation: its 5th event is dead-lettered
        EventStreamFixture first = new EventStreamFixture(nc, store);
        first.append(List.of(
                new CounterEvent.Added("a", 1),
                new CounterEvent.Added("b", 2),
                new CounterEvent.Added("a", 3),
                new CounterEvent.Added("b", 4)));
        long poison = first.append(List.of(new CounterEvent.Added("p", 5))).get(0);
        runUntil(nc, filter, projection, deadLetters, poison);
        assertThat(deadLetters.sequences(store, "totals")).containsExactly(poison);
        assertThat(deadLetters.find(store, "totals", poison).orElseThrow().streamIdentity())
                .isPresent();

        failing.set(false); // the handler is fixed

        // deleted and created again: three events, applied (the projection starts over on the new stream)
        nc.jetStreamManagement().deleteStream(store);
        EventStreamFixture second = new EventStreamFixture(nc, store);
        List<CounterEvent> events = new ArrayList<>(List.of(
                new CounterEvent.Added("x", 10), new CounterEvent.Added("y", 20), new CounterEvent.Added("x", 30)));
        List<Long> sequences = new ArrayList<>(second.append(events));
        runUntil(nc, filter, projection, deadLetters, sequences.get(2));

        // while the runner is stopped the new stream reaches the old letter's sequence (and subject) with another event
        List<CounterEvent> more = List.of(new CounterEvent.Added("y", 40), new CounterEvent.Added("p", 50));
        events.addAll(more);
        sequences.addAll(second.append(more));
        assertThat(sequences.get(4)).isEqualTo(poison);

        try (ProjectionRunner<CounterEvent> runner = builder(nc, filter, projection, deadLetters)) {
            List<DeadLetter> stillFailing = runner.replayDeadLetters();
            assertThat(stillFailing)
                    .as("the old incarnation's letter is kept, not replayed")
                    .extracting(DeadLetter::sequence)
                    .containsExactly(poison);
            runner.start();
            assertThat(runner.awaitPosition(sequences.get(4), Duration.ofSeconds(20)))
                    .isTrue();
        }
        assertThat(CounterReadModel.snapshot(db))
                .as("each event of the new stream applied once")
                .isEqualTo(CounterReadModel.expected(events, sequences));
    }

    private static ProjectionRunner<CounterEvent> builder(
            Connection nc, SubjectFilter filter, JdbcProjection<CounterEvent> projection, NatsDeadLetters deadLetters) {
        return NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .retryPolicy(ApplyRetryPolicy.none())
                .deadLetters(deadLetters)
                .build();
    }

    private static void runUntil(
            Connection nc,
            SubjectFilter filter,
            JdbcProjection<CounterEvent> projection,
            NatsDeadLetters deadLetters,
            long sequence)
            throws Exception {
        try (ProjectionRunner<CounterEvent> runner = builder(nc, filter, projection, deadLetters)) {
            runner.start();
            assertThat(runner.awaitPosition(sequence, Duration.ofSeconds(20))).isTrue();
        }
    }
}
