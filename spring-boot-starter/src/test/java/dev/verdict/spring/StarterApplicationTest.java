package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.ViewProjection;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.docs.DispensingService;
import dev.verdict.spring.docs.PharmacyApplication;
import dev.verdict.spring.docs.Rx;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.docs.Stock;
import dev.verdict.spring.docs.Stock.StockCommand;
import dev.verdict.spring.docs.Stock.StockEvent;
import dev.verdict.spring.docs.TracedDispensingService;
import dev.verdict.testing.nats.NatsServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The documented application as a whole ({@code @SpringBootApplication}, every auto-configuration) on nats-server. */
// the application closes after the test, while its nats-server still runs
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@SpringBootTest(
        classes = PharmacyApplication.class,
        properties = {
            "verdict.store.name=pharmacy",
            "management.endpoint.health.show-details=always",
            "management.tracing.sampling.probability=1.0"
        })
class StarterApplicationTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @DynamicPropertySource
    static void nats(DynamicPropertyRegistry properties) {
        properties.add("verdict.nats.url", () -> NATS.server().url());
    }

    @Autowired
    DispensingService dispensing;

    @Autowired
    TracedDispensingService tracedDispensing;

    @Autowired
    EntityHandle<StockCommand, Stock, StockEvent> stock;

    @Autowired
    Connection connection;

    @Autowired
    ProjectionRunners runners;

    @Autowired
    ViewProjection<Integer, RxEvent> dispensedTotal;

    @Autowired
    HealthEndpoint health;

    @Autowired
    MeterRegistry meters;

    @Test
    void aDecisionOnNatsWithItsReadModelHealthAndMeters() throws Exception {
        Outcome<Rx, RxEvent> first = dispensing.dispense("rx-7", 10, "req-1");
        Outcome<Rx, RxEvent> again = dispensing.dispense("rx-7", 10, "req-1"); // a re-sent request
        Outcome<Rx, RxEvent> tooMuch = dispensing.dispense("rx-7", 25, "req-2");
        assertThat(first.state()).isEqualTo(new Rx(20));
        assertThat(again.version()).isEqualTo(first.version());
        assertThat(tooMuch).isInstanceOf(Outcome.Rejected.class);

        ProjectionRunner<?> runner = runners.runner("dispensed-total").orElseThrow();
        assertThat(runner.awaitPosition(first.version(), Duration.ofSeconds(20)))
                .isTrue();
        assertThat(dispensedTotal.state()).isEqualTo(10);

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        IndicatedHealthDescriptor projection =
                (IndicatedHealthDescriptor) health.healthForPath("verdict", "projections", "dispensed-total");
        assertThat(projection.getStatus()).isEqualTo(Status.UP);
        assertThat(((IndicatedHealthDescriptor) health.healthForPath("verdict", "nats")).getStatus())
                .isEqualTo(Status.UP);

        assertThat(meters.get("verdict.commands")
                        .tag("outcome", "rejected")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("verdict.projection.applied")
                        .tag("projection", "dispensed-total")
                        .functionCounter()
                        .count())
                .isEqualTo(1);

        Outcome<Rx, RxEvent> traced = tracedDispensing.dispense("rx-8", 2, "req-3");
        assertThat(connection
                        .jetStreamManagement()
                        .getMessage("pharmacy", traced.version())
                        .getHeaders()
                        .getFirst("Verdict-Meta-traceparent"))
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stock.load("main").state().taken() < 12 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(stock.load("main").state().taken()).isEqualTo(12); // 10 + 2, the re-sent request once
    }
}
