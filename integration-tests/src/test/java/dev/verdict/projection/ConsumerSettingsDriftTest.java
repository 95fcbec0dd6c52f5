package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shared consumer follows the settings of the runners that use it, and two versions of a projection with different
 * filters (a rolling deploy) do not delete each other's consumer.
 */
class ConsumerSettingsDriftTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static ViewProjection<List<String>, CounterEvent> log(String name) {
        return ViewProjection.of(name, View.of(List.of(), (seen, e) -> {
            List<String> next = new ArrayList<>(seen);
            next.add(e.counter());
            return List.copyOf(next);
        }));
    }

    @Test
    void changingFailoverAfterAckWaitAndBatchSizeUpdatesTheExistingConsumer() throws Exception {
        Connection nc = NATS.connection();
        String store = "drift";
        EventStreamFixture stream = new EventStreamFixture(nc, store);
        stream.append(new CounterEvent.Added("c-1", 1));
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        try (ProjectionRunner<CounterEvent> first = NatsProjections.runner(
                        nc, filter, new CounterCodec(), log("settings"))
                .failoverAfter(Duration.ofSeconds(3))
                .ackWait(Duration.ofSeconds(5))
                .batchSize(100)
                .build()) {
            first.start();
            first.caughtUp().get(10, TimeUnit.SECONDS);
        }
        ConsumerInfo before = nc.jetStreamManagement().getConsumerInfo(store, "verdict-settings");

        try (ProjectionRunner<CounterEvent> second = NatsProjections.runner(
                        nc, filter, new CounterCodec(), log("settings"))
                .failoverAfter(Duration.ofSeconds(7))
                .ackWait(Duration.ofSeconds(11))
                .batchSize(600)
                .build()) {
            second.start();
            second.caughtUp().get(10, TimeUnit.SECONDS);

            ConsumerInfo after = nc.jetStreamManagement().getConsumerInfo(store, "verdict-settings");
            ConsumerConfiguration cfg = after.getConsumerConfiguration();
            assertThat(cfg.getPriorityTimeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(cfg.getAckWait()).isEqualTo(Duration.ofSeconds(11));
            assertThat(cfg.getMaxAckPending()).isEqualTo(2400);
            // updated in place, not recreated: its acknowledgements (the position) are kept
            assertThat(after.getCreationTime()).isEqualTo(before.getCreationTime());
            assertThat(after.getAckFloor().getStreamSequence()).isEqualTo(1);
        }
    }

    @Test
    void twoVersionsWithDifferentFiltersDuringARollingDeployDoNotDeleteEachOthersConsumer() throws Exception {
        String store = "rolling";
        Connection oldInstance = NATS.server().connect();
        Connection newInstance = NATS.server().connect();
        try {
            EventStreamFixture stream = new EventStreamFixture(oldInstance, store);
            stream.append(new CounterEvent.Added("c-1", 1));
            ViewProjection<List<String>, CounterEvent> oldView = log("rolled");
            ViewProjection<List<String>, CounterEvent> newView = log("rolled");
            ProjectionRunner<CounterEvent> oldVersion = NatsProjections.runner(
                            oldInstance,
                            SubjectFilter.category(StoreName.of(store), Category.of("counter")),
                            new CounterCodec(),
                            oldView)
                    .failoverAfter(Duration.ofSeconds(3))
                    .build();
            ProjectionRunner<CounterEvent> newVersion = NatsProjections.runner(
                            newInstance,
                            SubjectFilter.categories(StoreName.of(store), Category.of("counter"), Category.of("gauge")),
                            new CounterCodec(),
                            newView)
                    .failoverAfter(Duration.ofSeconds(3))
                    .build();
            try {
                oldVersion.start();
                oldVersion.caughtUp().get(10, TimeUnit.SECONDS);
                ZonedDateTime created = oldInstance
                        .jetStreamManagement()
                        .getConsumerInfo(store, "verdict-rolled")
                        .getCreationTime();

                newVersion.start();
                long last = 0;
                for (int i = 0; i < 10; i++) {
                    last = stream.append(new CounterEvent.Added("c-" + i, 1));
                    ConsumerInfo info = oldInstance.jetStreamManagement().getConsumerInfo(store, "verdict-rolled");
                    assertThat(info.getCreationTime())
                            .as("the old version's consumer is never replaced while it reads it")
                            .isEqualTo(created);
                    assertThat(info.getConsumerConfiguration().getFilterSubjects())
                            .containsExactly(store + ".counter.*");
                    Thread.sleep(300);
                }
                assertThat(oldVersion.awaitPosition(last, Duration.ofSeconds(10)))
                        .isTrue();
                assertThat(oldView.state()).hasSize(11);

                oldVersion.stop(); // the end of the rolling deploy: the new version takes the projection over
                long gauge = stream.append("gauge", new CounterEvent.Added("g-1", 5));
                assertThat(newVersion.awaitPosition(gauge, Duration.ofSeconds(30)))
                        .isTrue();
                assertThat(newVersion.status().state()).isEqualTo(RunnerState.RUNNING);
                assertThat(newInstance
                                .jetStreamManagement()
                                .getConsumerInfo(store, "verdict-rolled")
                                .getConsumerConfiguration()
                                .getFilterSubjects())
                        .containsExactlyInAnyOrder(store + ".counter.*", store + ".gauge.*");
                assertThat(newView.state()).contains("g-1");
            } finally {
                oldVersion.close();
                newVersion.close();
            }
        } finally {
            oldInstance.close();
            newInstance.close();
        }
    }
}
