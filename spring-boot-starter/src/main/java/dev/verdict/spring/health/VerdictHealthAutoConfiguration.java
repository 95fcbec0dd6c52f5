package dev.verdict.spring.health;

import dev.verdict.spring.ProjectionRunners;
import dev.verdict.spring.VerdictAutoConfiguration;
import dev.verdict.store.nats.NatsEventStore;
import io.nats.client.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Actuator health of Verdict, when {@code spring-boot-health} (Actuator) is on the classpath: one contributor named
 * {@code verdict} with {@code nats} ({@link NatsStoreHealthIndicator}) and {@code projections} (a {@link
 * ProjectionHealthIndicator} per runner, by projection name) – so {@code /actuator/health/verdict/nats} and {@code
 * /actuator/health/verdict/projections/<name>}. Switch off with {@code management.health.verdict.enabled=false};
 * replace it with a bean named {@code verdictHealthContributor}.
 */
@AutoConfiguration(after = VerdictAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Connection.class)
@ConditionalOnEnabledHealthIndicator("verdict")
public class VerdictHealthAutoConfiguration {

    /**
     * The {@code verdict} health contributor: {@code nats} when the event store is a {@link NatsEventStore} (checked
     * against that store's configuration) and {@code projections} when there are runners.
     */
    @Bean
    @ConditionalOnMissingBean(name = "verdictHealthContributor")
    public CompositeHealthContributor verdictHealthContributor(
            Connection connection, ObjectProvider<NatsEventStore> store, ObjectProvider<ProjectionRunners> runners) {
        Map<String, HealthContributor> parts = new LinkedHashMap<>();
        store.ifAvailable(nats -> parts.put("nats", new NatsStoreHealthIndicator(connection, nats.config())));
        ProjectionRunners all = runners.getIfAvailable();
        if (all != null && !all.runners().isEmpty()) {
            Map<String, HealthContributor> projections = new LinkedHashMap<>();
            all.runners().forEach((name, runner) -> projections.put(name, new ProjectionHealthIndicator(runner)));
            parts.put("projections", CompositeHealthContributor.fromMap(projections));
        }
        return CompositeHealthContributor.fromMap(parts);
    }
}
