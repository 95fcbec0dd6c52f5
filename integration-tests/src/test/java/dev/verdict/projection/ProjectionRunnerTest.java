package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscriptions: filters, durable and ephemeral consumers, caught-up and lag, clean shutdown. */
class ProjectionRunnerTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private Connection nc;
    private String store;
    private EventStreamFixture stream;

    @BeforeEach
    void createStream() throws Exception {
        nc = NATS.server().connect();
        store = "runner" + STORES.incrementAndGet();
        stream = new EventStreamFixture(nc, store);
    }

    @AfterEach
    void close() throws InterruptedException {
        nc.close();
    }

    /** Collects (subject, sequence) of every event in order. */
    private static ViewProjection<List<String>, CounterEvent> log(String name) {
        return ViewProjection.of(name, View.of(List.of(), (seen, e) -> {
            List<String> next = new ArrayList<>(seen);
            next.add(e.counter());
            return List.copyOf(next);
        }));
    }

    private List<String> subjectsOfCategory(String category) {
        return List.of(store + "." + category + ".*");
    }

    @Test
    void ephemeralViewReadsTheWholeCategoryInStreamOrderAndReportsCaughtUp() throws Exception {
        List<CounterEvent> events = JdbcProjectionContract.counterEvents(500, new java.util.Random(3));
        stream.append(events);
        ViewProjection<List<String>, CounterEvent> view = log("order");
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                        new CounterCodec(),
                        view)
                .ephemeral()
                .build()) {
            runner.start();
            ProjectionStatus status = runner.caughtUp().get(30, TimeUnit.SECONDS);

            assertThat(status.caughtUp()).isTrue();
            assertThat(status.position()).isEqualTo(500);
            assertThat(view.state())
                    .containsExactlyElementsOf(
                            events.stream().map(CounterEvent::counter).toList());
        }
    }

    @Test
    void ephemeralRunnerDeletesItsConsumerWhenStopped() throws Exception {
        stream.append(new CounterEvent.Added("c-1", 1));
        ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc, SubjectFilter.wholeStore(StoreName.of(store)), new CounterCodec(), log("oneoff"))
                .ephemeral()
                .build();
        runner.start();
        runner.caughtUp().get(10, TimeUnit.SECONDS);
        assertThat(nc.jetStreamManagement().getConsumerNames(store)).anyMatch(n -> n.startsWith("verdict-oneoff-"));

        runner.stop();

        assertThat(nc.jetStreamManagement().getConsumerNames(store)).noneMatch(n -> n.startsWith("verdict-oneoff"));
    }

    @Test
    void caughtUpCompletesAtOnceOnAnEmptyStream() throws Exception {
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc, SubjectFilter.wholeStore(StoreName.of(store)), new CounterCodec(), log("empty"))
                .build()) {
            runner.start();

            assertThat(runner.caughtUp().get(10, TimeUnit.SECONDS).position()).isZero();
        }
    }

    @Test
    void categoriesFilterReadsOnlyTheNamedCategoriesInterleavedInStreamOrder() throws Exception {
        nc.jetStream().publish(store + ".other.x", "ignored".getBytes()); // outside the filter
        stream.append(new CounterEvent.Added("c-1", 1));
        long last = stream.append(new CounterEvent.Added("c-2", 2));
        ViewProjection<List<String>, CounterEvent> view = log("cats");
        try (ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.categories(StoreName.of(store), Category.of("counter"), Category.of("gauge")),
                        new CounterCodec(),
                        view)
                .build()) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(10))).isTrue();

            assertThat(view.state()).containsExactly("c-1", "c-2");
            assertThat(runner.status().deadLettered()).isZero();
        }
    }

    @Test
    void lagCountsTheMatchingEventsNotYetProcessed() throws Exception {
        stream.append(JdbcProjectionContract.counterEvents(100, new java.util.Random(1)));
        ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                        new CounterCodec(),
                        log("lag"))
                .build();
        runner.start();
        runner.caughtUp().get(10, TimeUnit.SECONDS);
        runner.stop();
        stream.append(JdbcProjectionContract.counterEvents(30, new java.util.Random(2)));

        ProjectionLag lag = runner.lag();

        assertThat(lag.position()).isEqualTo(100);
        assertThat(lag.streamLastSequence()).isEqualTo(130);
        assertThat(lag.pendingEvents()).isEqualTo(30);
    }

    @Test
    void durableProjectionResumesAfterItsCheckpointWhenRestarted() throws Exception {
        stream.append(JdbcProjectionContract.counterEvents(50, new java.util.Random(4)));
        ViewProjection<List<String>, CounterEvent> view = log("resume");
        ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                        new CounterCodec(),
                        view)
                .build();
        runner.start();
        runner.caughtUp().get(10, TimeUnit.SECONDS);
        runner.stop();
        long last = stream.append(new CounterEvent.Added("c-new", 1));

        runner.start();
        assertThat(runner.awaitPosition(last, Duration.ofSeconds(10))).isTrue();
        runner.stop();

        assertThat(view.state()).hasSize(51).last().isEqualTo("c-new");
        assertThat(runner.status().applied()).isEqualTo(1);
        assertThat(runner.status().state()).isEqualTo(RunnerState.STOPPED);
    }

    @Test
    void stopLeavesNoThreadBehind() throws Exception {
        stream.append(JdbcProjectionContract.counterEvents(20, new java.util.Random(5)));
        ProjectionRunner<CounterEvent> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                        new CounterCodec(),
                        log("threads"))
                .build();
        runner.start();
        runner.caughtUp().get(10, TimeUnit.SECONDS);

        runner.stop();

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("verdict-projection-threads") && t.isAlive());
        assertThat(runner.status().state()).isEqualTo(RunnerState.STOPPED);
    }
}
