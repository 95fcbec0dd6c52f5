package dev.verdict.spring.metrics;

import dev.verdict.runtime.MicrometerRuntimeMetrics;
import dev.verdict.runtime.RuntimeMetrics;
import dev.verdict.spring.EventStoreDecorator;
import dev.verdict.spring.ProjectionRunners;
import dev.verdict.spring.VerdictAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of Verdict, when a {@link MeterRegistry} bean exists: the command runtime's ({@link
 * MicrometerRuntimeMetrics}: {@code verdict.commands}, {@code verdict.conflicts}, {@code verdict.retries}, {@code
 * verdict.load}, {@code verdict.load.events}, {@code verdict.snapshot.lookups}, {@code verdict.snapshot.writes}) and
 * the event store's as the runtime uses it ({@link MeteredEventStore}: {@code verdict.store.*}) and the projection
 * runners' ({@link ProjectionMeters}: {@code verdict.projection.*}). docs/operations.md lists them.
 */
@AutoConfiguration(
        after = VerdictAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass({MeterRegistry.class, MicrometerRuntimeMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
public class VerdictMetricsAutoConfiguration {

    /** The runtime's meters; the runtime bean picks this up. */
    @Bean
    @ConditionalOnMissingBean
    public RuntimeMetrics verdictRuntimeMetrics(MeterRegistry registry) {
        return new MicrometerRuntimeMetrics(registry);
    }

    /** The store's meters ({@link MeteredEventStore}) around the store the runtime writes through. */
    @Bean
    @ConditionalOnMissingBean(name = "verdictStoreMeters")
    public EventStoreDecorator verdictStoreMeters(MeterRegistry registry) {
        return store -> new MeteredEventStore(store, registry);
    }

    /** The projection runners' meters, bound to every registry by Spring Boot. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ProjectionRunners.class)
    public ProjectionMeters verdictProjectionMeters(ProjectionRunners runners) {
        return new ProjectionMeters(runners.runners().values());
    }
}
