package dev.verdict.examples.pharmacy.app;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot's report of a failed start ("APPLICATION FAILED TO START") for a {@link PharmacyStartFailure}: its
 * sentence and what to do, instead of a stack trace through the bean factory. Registered in {@code
 * META-INF/spring.factories}.
 */
final class PharmacyStartFailureAnalyzer extends AbstractFailureAnalyzer<PharmacyStartFailure> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PharmacyStartFailure cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Check the settings in the environment (NATS_URL, JDBC_URL, JDBC_USER, JDBC_PASSWORD, PORT); "
                        + "scripts/pharmacy starts a local nats-server when NATS_URL is not set.",
                cause);
    }
}
