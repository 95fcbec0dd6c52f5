package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.projection.ApplyRetryPolicy;
import dev.verdict.projection.PoisonPolicy;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.RunnerState;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.ViewProjection;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.spring.docs.DispensingService;
import dev.verdict.spring.docs.PharmacyConfiguration;
import dev.verdict.spring.docs.Rx;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.health.VerdictHealthAutoConfiguration;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health contributors as the Actuator health endpoint shows them, on a real nats-server. */
class StarterHealthTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static ApplicationContextRunner runner(String store) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        VerdictAutoConfiguration.class,
                        VerdictHealthAutoConfiguration.class,
                        HealthContributorRegistryAutoConfiguration.class,
                        HealthEndpointAutoConfiguration.class))
                .withPropertyValues(
                        "verdict.nats.url=" + NATS.server().url(),
                        "verdict.store.name=" + store,
                        "management.endpoint.health.show-details=always");
    }

    private static IndicatedHealthDescriptor health(HealthEndpoint endpoint, String... path) {
        HealthDescriptor descriptor = endpoint.healthForPath(path);
        assertThat(descriptor).as(String.join("/", path)).isInstanceOf(IndicatedHealthDescriptor.class);
        return (IndicatedHealthDescriptor) descriptor;
    }

    @Test
    void natsAndTheProjectionAreUp() {
        runner("pharmacy")
                .withUserConfiguration(PharmacyConfiguration.class)
                .withBean(DispensingService.class)
                .run(context -> {
                    long version = context.getBean(DispensingService.class)
                            .dispense("rx-1", 3, "k-1")
                            .version();
                    ProjectionRunner<?> total = context.getBean(ProjectionRunners.class)
                            .runner("dispensed-total")
                            .orElseThrow();
                    assertThat(total.awaitPosition(version, Duration.ofSeconds(20)))
                            .isTrue();
                    HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
                    assertThat(endpoint.health().getStatus()).isEqualTo(Status.UP);

                    IndicatedHealthDescriptor nats = health(endpoint, "verdict", "nats");
                    assertThat(nats.getStatus()).isEqualTo(Status.UP);
                    assertThat(nats.getDetails())
                            .containsEntry("stream", "pharmacy")
                            .containsEntry("connection", "CONNECTED")
                            .containsKey("server")
                            .containsEntry("replicas", 1);

                    IndicatedHealthDescriptor projection =
                            health(endpoint, "verdict", "projections", "dispensed-total");
                    assertThat(projection.getStatus()).isEqualTo(Status.UP);
                    assertThat(projection.getDetails())
                            .containsEntry("state", "RUNNING")
                            .containsEntry("active", true)
                            .containsEntry("position", version)
                            .containsEntry("applied", 1L)
                            .containsEntry("deadLettered", 0L)
                            .containsEntry("lag", 0L)
                            .containsKey("partitions");
                });
    }

    @Test
    void aStreamEditedToOtherSubjectsMakesNatsDownWithTheReason() {
        runner("edited").run(context -> {
            HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
            assertThat(health(endpoint, "verdict", "nats").getStatus()).isEqualTo(Status.UP);

            JetStreamManagement jsm = NATS.connection().jetStreamManagement();
            StreamConfiguration current = jsm.getStreamInfo("edited").getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(current)
                    .subjects("edited.>", "elsewhere.>")
                    .build());

            IndicatedHealthDescriptor nats = health(endpoint, "verdict", "nats");
            assertThat(nats.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) nats.getDetails().get("reason"))
                    .contains("stream 'edited' is not configured as Verdict requires")
                    .contains("subjects is [edited.>, elsewhere.>] but must be [edited.>]");
            assertThat(endpoint.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void aStreamEditedToRefuseAtomicBatchesMakesNatsDown() {
        runner("atomic").run(context -> {
            JetStreamManagement jsm = NATS.connection().jetStreamManagement();
            StreamConfiguration current = jsm.getStreamInfo("atomic").getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(current)
                    .allowAtomicPublish(false)
                    .build());

            IndicatedHealthDescriptor nats = health(context.getBean(HealthEndpoint.class), "verdict", "nats");
            assertThat(nats.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) nats.getDetails().get("reason")).contains("allow_atomic is false but must be true");
        });
    }

    @Test
    void aDeletedStreamMakesNatsDown() {
        runner("deleted").run(context -> {
            NATS.connection().jetStreamManagement().deleteStream("deleted");
            IndicatedHealthDescriptor nats = health(context.getBean(HealthEndpoint.class), "verdict", "nats");
            assertThat(nats.getStatus()).isEqualTo(Status.DOWN);
            assertThat(nats.getDetails()).containsEntry("reason", "stream 'deleted' does not exist");
        });
    }

    @Test
    void aFailedProjectionIsDownWithTheFailure() {
        runner("failing")
                .withUserConfiguration(FailingProjection.class, PharmacyConfiguration.class)
                .withBean(DispensingService.class)
                .run(context -> {
                    context.getBean(DispensingService.class).dispense("rx-1", 1, "k-1");
                    ProjectionRunner<?> failing = context.getBean(ProjectionRunners.class)
                            .runner("failing")
                            .orElseThrow();
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (failing.status().failure().isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    IndicatedHealthDescriptor health =
                            health(context.getBean(HealthEndpoint.class), "verdict", "projections", "failing");
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("state", "FAILED");
                    assertThat((String) health.getDetails().get("reason")).contains("broken read model");
                });
    }

    @Test
    void aProjectionWhoseApplyHangsIsDownWithTheReason() {
        runner("hanging")
                .withUserConfiguration(HangingProjection.class, PharmacyConfiguration.class)
                .withBean(DispensingService.class)
                .run(context -> {
                    try {
                        context.getBean(DispensingService.class).dispense("rx-1", 1, "k-1");
                        ProjectionRunner<?> hanging = context.getBean(ProjectionRunners.class)
                                .runner("hanging")
                                .orElseThrow();
                        long deadline =
                                System.nanoTime() + Duration.ofSeconds(20).toNanos();
                        while (hanging.status().state() != RunnerState.STUCK && System.nanoTime() < deadline) {
                            Thread.sleep(20);
                        }
                        IndicatedHealthDescriptor health =
                                health(context.getBean(HealthEndpoint.class), "verdict", "projections", "hanging");
                        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(health.getDetails()).containsEntry("state", "STUCK");
                        assertThat((String) health.getDetails().get("reason")).contains("apply timeout");
                    } finally {
                        HangingProjection.RELEASE.countDown();
                    }
                });
    }

    @Test
    void withTwoInstancesOneProjectionIsActiveAndTheOtherStandsBy() {
        ApplicationContextRunner instance = runner("shared").withUserConfiguration(SharedProjection.class);
        instance.run(first -> {
            ProjectionRunner<?> firstRunner = first.getBean(ProjectionRunners.class)
                    .runner("shared-total")
                    .orElseThrow();
            @SuppressWarnings("unchecked")
            EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                    first.getBean("prescriptionsHandle", EntityHandle.class);
            long version =
                    prescriptions.handle("rx-1", new RxCommand.Dispense(1)).version();
            assertThat(firstRunner.awaitPosition(version, Duration.ofSeconds(20)))
                    .isTrue();
            instance.run(second -> {
                ProjectionRunner<?> secondRunner = second.getBean(ProjectionRunners.class)
                        .runner("shared-total")
                        .orElseThrow();
                secondRunner.caughtUp().get(20, java.util.concurrent.TimeUnit.SECONDS);

                IndicatedHealthDescriptor active =
                        health(first.getBean(HealthEndpoint.class), "verdict", "projections", "shared-total");
                IndicatedHealthDescriptor standby =
                        health(second.getBean(HealthEndpoint.class), "verdict", "projections", "shared-total");
                assertThat(active.getStatus()).isEqualTo(Status.UP);
                assertThat(standby.getStatus()).isEqualTo(Status.UP);
                assertThat(active.getDetails()).containsEntry("active", true);
                assertThat(standby.getDetails()).containsEntry("active", false);
            });
        });
    }

    /** A projection in the default failover mode: one instance applies, the others stand by. */
    @Configuration(proxyBeanMethods = false)
    static class SharedProjection {
        @Bean
        Registration<RxCommand, Rx, RxEvent> prescriptions() {
            return Registration.of("prescription", Rx.DECIDER, JsonEventCodec.of(RxEvent.class));
        }

        @Bean
        VerdictProjection<RxEvent> sharedTotal() {
            return VerdictProjection.of(
                    ViewProjection.of("shared-total", View.<Integer, RxEvent>of(0, (total, e) -> total + 1)),
                    SubjectFilter.category(StoreName.of("shared"), Category.of("prescription")),
                    JsonEventCodec.of(RxEvent.class));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HangingProjection {
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Bean
        VerdictProjection<RxEvent> hanging() {
            return VerdictProjection.of(
                            ViewProjection.of("hanging", View.<Integer, RxEvent>of(0, (s, e) -> {
                                try {
                                    RELEASE.await();
                                } catch (InterruptedException ex) {
                                    Thread.currentThread().interrupt();
                                }
                                return s + 1;
                            })),
                            SubjectFilter.category(StoreName.of("hanging"), Category.of("prescription")),
                            JsonEventCodec.of(RxEvent.class))
                    .withOptions(runner -> runner.ephemeral().applyTimeout(Duration.ofSeconds(1)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingProjection {
        @Bean
        VerdictProjection<RxEvent> failing() {
            return VerdictProjection.of(
                            ViewProjection.of("failing", View.<Integer, RxEvent>of(0, (s, e) -> {
                                throw new IllegalStateException("broken read model");
                            })),
                            SubjectFilter.category(StoreName.of("failing"), Category.of("prescription")),
                            JsonEventCodec.of(RxEvent.class))
                    .withOptions(runner -> runner.ephemeral()
                            .poisonPolicy(PoisonPolicy.STOP)
                            .retryPolicy(new ApplyRetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 1.0)));
        }
    }
}
