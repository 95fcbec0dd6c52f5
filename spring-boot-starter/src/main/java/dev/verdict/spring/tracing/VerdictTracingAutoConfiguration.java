package dev.verdict.spring.tracing;

import dev.verdict.runtime.CommandInterceptor;
import dev.verdict.spring.ProjectionDecorator;
import dev.verdict.spring.VerdictAutoConfiguration;
import dev.verdict.spring.VerdictProperties;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Trace propagation through events, when Micrometer Observation is on the classpath: a {@link VerdictTracing} bean
 * (on the application's {@link ObservationRegistry}; on {@link ObservationRegistry#NOOP} – tracing nothing, at no
 * cost – when there is none or {@code verdict.tracing.enabled=false}), and, when a registry exists and tracing is
 * enabled, every {@code VerdictProjection} applied inside an observation that continues the event's trace.
 */
@AutoConfiguration(
        after = VerdictAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@EnableConfigurationProperties(VerdictProperties.class)
public class VerdictTracingAutoConfiguration {

    /** Helpers to trace commands, projections and process managers' senders. */
    @Bean
    @ConditionalOnMissingBean
    public VerdictTracing verdictTracing(ObjectProvider<ObservationRegistry> registry, VerdictProperties properties) {
        return new VerdictTracing(
                properties.getTracing().isEnabled()
                        ? registry.getIfAvailable(() -> ObservationRegistry.NOOP)
                        : ObservationRegistry.NOOP);
    }

    /** Traces every command of the starter's {@code CommandRuntime} ({@link VerdictTracing#interceptor()}). */
    @Bean
    @ConditionalOnBean(ObservationRegistry.class)
    @ConditionalOnProperty(prefix = "verdict.tracing", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "verdictTracingCommandInterceptor")
    public CommandInterceptor verdictTracingCommandInterceptor(VerdictTracing tracing) {
        return tracing.interceptor();
    }

    /** Wraps every {@code VerdictProjection}'s projection with {@link TracedProjection}. */
    @Bean
    @ConditionalOnBean(ObservationRegistry.class)
    @ConditionalOnProperty(prefix = "verdict.tracing", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "verdictTracingProjectionDecorator")
    public ProjectionDecorator verdictTracingProjectionDecorator(VerdictTracing tracing) {
        return tracing.decorator();
    }
}
