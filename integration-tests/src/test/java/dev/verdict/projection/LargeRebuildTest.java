package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A rebuild of 100,000 events runs unattended to the end, reporting progress, with bounded memory. */
class LargeRebuildTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Logger LOG = LoggerFactory.getLogger(LargeRebuildTest.class);

    @Test
    void rebuildsOneHundredThousandEventsUnattendedWithProgress() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, "large");
            List<CounterEvent> events = JdbcProjectionContract.counterEvents(100_000, new Random(11));
            stream.append(events);
            long expectedSum = events.stream()
                    .mapToLong(e -> e instanceof CounterEvent.Added a ? a.amount() : 0)
                    .sum();
            ViewProjection<Long, CounterEvent> sum = ViewProjection.of(
                    "large-sum", View.of(0L, (s, e) -> e instanceof CounterEvent.Added a ? s + a.amount() : s));
            ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                            nc,
                            SubjectFilter.category(StoreName.of("large"), Category.of("counter")),
                            new CounterCodec(),
                            sum)
                    .batchSize(500)
                    .build();
            List<RebuildProgress> progress = new CopyOnWriteArrayList<>();
            RebuildProgress done = runner.rebuild(p -> {
                        progress.add(p);
                        LOG.info("rebuild {}/{} ({} events/s)", p.applied(), p.total(), (long) p.eventsPerSecond());
                    })
                    .get(180, TimeUnit.SECONDS);
            runner.stop();

            assertThat(done.applied()).isEqualTo(100_000);
            assertThat(done.total()).isEqualTo(100_000);
            assertThat(sum.state()).isEqualTo(expectedSum);
            assertThat(progress).extracting(RebuildProgress::applied).isSorted();
        }
    }
}
