package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An idle worker asks the server about its consumer less often the longer nothing changes (issue 22, finding 9: every
 * idle worker asked every second, for every partition on every instance) – counted on the JetStream API subject the
 * requests travel on – yet a new event is applied at once, the checks come every second again after it, and a standby
 * that backed off still takes over the events an abruptly killed instance held within the failover time.
 */
class IdleConsumerChecksTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Logger LOG = LoggerFactory.getLogger(IdleConsumerChecksTest.class);
    private static final AtomicInteger STORES = new AtomicInteger();

    @Test
    void anIdleWorkerAsksAboutItsConsumerLessOftenAndEveryEventRestoresTheCadence() throws Exception {
        NatsServer server = NATS.server();
        String store = "idle" + STORES.incrementAndGet();
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database(store);
        CounterReadModel.createTables(db);
        try (Connection nc = server.connect();
                Connection observer = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, store);
            stream.append(List.of(new CounterEvent.Added("a", 1), new CounterEvent.Added("b", 2)));
            JdbcProjection<CounterEvent> projection = JdbcProjection.ofBatches(
                    "idle",
                    db,
                    (c, events) -> {
                        for (DeliveredEvent<CounterEvent> e : events) {
                            CounterReadModel.write(c, e);
                        }
                    },
                    CounterReadModel::clear);
            // half of failoverAfter: quiet checks slow down to one in 5 s
            try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                            nc, filter, new CounterCodec(), projection)
                    .failoverAfter(Duration.ofSeconds(10))
                    .build()) {
                runner.start();
                runner.caughtUp().get(30, TimeUnit.SECONDS);

                AtomicInteger checks = new AtomicInteger();
                Dispatcher d = observer.createDispatcher(m -> checks.incrementAndGet());
                d.subscribe("$JS.API.CONSUMER.INFO." + store + "." + runner.consumerName());
                observer.flush(Duration.ofSeconds(5));
                Thread.sleep(8_000);
                int quiet = checks.getAndSet(0);
                LOG.info("consumer info requests of an idle worker in 8 s: {}", quiet);
                // every second: 8; backing off (pauses 1, 2, 4, 5 s): at most 4
                assertThat(quiet).as("idle checks in 8 s").isBetween(1, 4);

                long sequence = stream.append(new CounterEvent.Added("a", 3));
                assertThat(runner.awaitPosition(sequence, Duration.ofSeconds(2)))
                        .as("a new event is delivered, not found by a check")
                        .isTrue();
                Thread.sleep(2_500);
                assertThat(checks.get())
                        .as("checks in the 2.5 s after an event")
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aStandbyThatBackedOffTakesOverWhatAKilledInstanceHeldWithinTheFailoverTime() throws Exception {
        NatsServer server = NATS.server();
        String store = "idle" + STORES.incrementAndGet();
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        DataSource db = SeveralRunnersTest.database(store);
        CounterReadModel.createTables(db);
        CountDownLatch hangs = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProjectionInstance first = new ProjectionInstance("first", server.url(), filter, db, 1, (c, events) -> {
            for (DeliveredEvent<CounterEvent> e : events) {
                if (e.event().counter().equals("hang")) {
                    hangs.countDown();
                    awaitQuietly(release); // until the test ends: the instance is killed meanwhile
                }
                CounterReadModel.write(c, e);
            }
        });
        ProjectionInstance second = new ProjectionInstance("second", server.url(), filter, db);
        try (Connection nc = server.connect()) {
            EventStreamFixture stream = new EventStreamFixture(nc, store);
            long last = stream.append(List.of(new CounterEvent.Added("a", 1), new CounterEvent.Added("b", 2)))
                    .get(1);
            first.start();
            assertThat(SeveralRunnersTest.awaitActive(List.of(first), null)).isSameAs(first);
            assertThat(first.runner.awaitPosition(last, Duration.ofSeconds(30))).isTrue();
            second.start();
            Thread.sleep(4_500); // nothing changes: the standby's checks back off

            long held = stream.append(new CounterEvent.Added("hang", 5));
            assertThat(hangs.await(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();
            first.kill();
            // the pin ends failoverAfter after the killed instance's last pull; then one check and the tail read
            // (~3.3 s on an idle machine; the margin is for one busy with the other test JVM, where 6 s was once
            // exceeded). The take-over comes through the standby's waiting pull once the server moves the pin, so it
            // does not wait for an idle check: with the checks' ceiling removed it still took 3.2 s.
            Duration bound = ProjectionInstance.FAILOVER.plusSeconds(6);
            assertThat(second.runner.awaitPosition(held, bound))
                    .as("the standby applies the held event within %s of the kill", bound)
                    .isTrue();
            LOG.info(
                    "take-over of a held event by a backed-off standby: {} ms after the kill",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            assertThat(CounterReadModel.snapshot(db))
                    .isEqualTo(CounterReadModel.expected(
                            List.of(
                                    new CounterEvent.Added("a", 1),
                                    new CounterEvent.Added("b", 2),
                                    new CounterEvent.Added("hang", 5)),
                            List.of(last - 1, last, held)));
        } finally {
            release.countDown();
            first.stop();
            second.stop();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
