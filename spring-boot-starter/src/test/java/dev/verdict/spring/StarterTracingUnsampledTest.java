package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.docs.PharmacyConfiguration;
import dev.verdict.spring.docs.Rx;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.tracing.VerdictTracingAutoConfiguration;
import dev.verdict.store.CommandContext;
import dev.verdict.testing.nats.NatsServerExtension;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A trace that the tracer does not sample is carried through the events all the same. */
class StarterTracingUnsampledTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        VerdictAutoConfiguration.class,
                        VerdictTracingAutoConfiguration.class,
                        ObservationAutoConfiguration.class,
                        MicrometerTracingAutoConfiguration.class,
                        BraveAutoConfiguration.class))
                .withPropertyValues("verdict.nats.url=" + NATS.server().url(), "verdict.store.name=pharmacy");
    }

    @Test
    void anUnsampledTraceIsCarriedOnToo() {
        runner().withPropertyValues("management.tracing.sampling.probability=0.0")
                .withUserConfiguration(PharmacyConfiguration.class)
                .run(context -> {
                    ObservationRegistry registry = context.getBean(ObservationRegistry.class);
                    Tracer tracer = context.getBean(Tracer.class);
                    @SuppressWarnings("unchecked")
                    EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                            context.getBean("prescriptionsHandle", EntityHandle.class);
                    AtomicReference<String> traceId = new AtomicReference<>();
                    Outcome<Rx, RxEvent> outcome = Observation.createNotStarted("test.request", registry)
                            .observe(() -> {
                                traceId.set(tracer.currentSpan().context().traceId());
                                return prescriptions.handle("rx-2", new RxCommand.Dispense(1), CommandContext.create());
                            });
                    MessageInfo appended = context.getBean(Connection.class)
                            .jetStreamManagement()
                            .getMessage("pharmacy", outcome.version());
                    assertThat(appended.getHeaders().getFirst("Verdict-Meta-traceparent"))
                            .isEqualTo("00-" + traceId.get() + "-" + appendedSpanId(appended) + "-00");
                });
    }

    private static String appendedSpanId(MessageInfo message) {
        return message.getHeaders().getFirst("Verdict-Meta-traceparent").split("-")[2];
    }
}
