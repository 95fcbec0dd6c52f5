package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.ProjectionRunner;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.MicrometerRuntimeMetrics;
import dev.verdict.runtime.RuntimeMetrics;
import dev.verdict.spring.docs.DispensingService;
import dev.verdict.spring.docs.PharmacyConfiguration;
import dev.verdict.spring.metrics.MeteredEventStore;
import dev.verdict.spring.metrics.VerdictMetricsAutoConfiguration;
import dev.verdict.store.EventStore;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The runtime's and the projections' meters in the application's registry. */
class StarterMetricsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        VerdictAutoConfiguration.class,
                        VerdictMetricsAutoConfiguration.class,
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("verdict.nats.url=" + NATS.server().url(), "verdict.store.name=pharmacy");
    }

    @Test
    void commandsAndProjectionsAreMetered() {
        runner().withUserConfiguration(PharmacyConfiguration.class)
                .withBean(DispensingService.class)
                .run(context -> {
                    assertThat(context).getBean(RuntimeMetrics.class).isInstanceOf(MicrometerRuntimeMetrics.class);
                    long version = context.getBean(DispensingService.class)
                            .dispense("rx-1", 4, "k-1")
                            .version();
                    ProjectionRunner<?> total = context.getBean(ProjectionRunners.class)
                            .runner("dispensed-total")
                            .orElseThrow();
                    assertThat(total.awaitPosition(version, Duration.ofSeconds(20)))
                            .isTrue();

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("verdict.commands")
                                    .tag("category", "prescription")
                                    .tag("outcome", "accepted")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.projection.applied")
                                    .tag("projection", "dispensed-total")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.projection.position")
                                    .tag("projection", "dispensed-total")
                                    .gauge()
                                    .value())
                            .isEqualTo(version);
                    assertThat(registry.get("verdict.projection.active")
                                    .tag("projection", "dispensed-total")
                                    .gauge()
                                    .value())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.projection.running")
                                    .tag("projection", "dispensed-total")
                                    .gauge()
                                    .value())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.projection.dead.lettered")
                                    .tag("projection", "dispensed-total")
                                    .functionCounter()
                                    .count())
                            .isZero();
                    assertThat(registry.get("verdict.projection.partition.applied")
                                    .tag("projection", "dispensed-total")
                                    .tag("partition", "0of1")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.store.append")
                                    .tag("store", "pharmacy")
                                    .tag("result", "ok")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get("verdict.store.append.events")
                                    .tag("store", "pharmacy")
                                    .summary()
                                    .totalAmount())
                            .isEqualTo(1);
                    // the runtime writes through the metered store; the store bean stays the NATS store
                    assertThat(context.getBean(CommandRuntime.class).store()).isInstanceOf(MeteredEventStore.class);
                    assertThat(context.getBean(EventStore.class)).isInstanceOf(NatsEventStore.class);
                    assertThat(registry.find("verdict.projection.pending").gauges())
                            .hasSize(1);
                });
    }

    @Test
    void withoutARegistryThereAreNoMeters() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(VerdictAutoConfiguration.class, VerdictMetricsAutoConfiguration.class))
                .withPropertyValues("verdict.nats.url=" + NATS.server().url(), "verdict.store.name=pharmacy")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(RuntimeMetrics.class);
                });
    }
}
