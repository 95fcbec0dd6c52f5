package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.verdict.runtime.CommandInterceptor;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.spring.docs.PharmacyConfiguration;
import dev.verdict.spring.docs.Rx;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.docs.Stock;
import dev.verdict.spring.docs.Stock.StockCommand;
import dev.verdict.spring.docs.Stock.StockEvent;
import dev.verdict.spring.docs.StockConfiguration;
import dev.verdict.spring.tracing.VerdictTracing;
import dev.verdict.spring.tracing.VerdictTracingAutoConfiguration;
import dev.verdict.store.CommandContext;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * One trace from the caller through the appended events into a projection and a process manager's command, with
 * Brave as the tracer and an in-memory span handler as the exporter.
 */
class StarterTracingTest {
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
                .withPropertyValues(
                        "verdict.nats.url=" + NATS.server().url(),
                        "verdict.store.name=pharmacy",
                        "management.tracing.sampling.probability=1.0");
    }

    @Test
    void aCommandsTraceReachesItsEventsTheProjectionAndTheProcessManagersCommand() {
        runner().withUserConfiguration(PharmacyConfiguration.class, StockConfiguration.class, Spans.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ObservationRegistry registry = context.getBean(ObservationRegistry.class);
                    Tracer tracer = context.getBean(Tracer.class);
                    @SuppressWarnings("unchecked")
                    EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                            context.getBean("prescriptionsHandle", EntityHandle.class);
                    @SuppressWarnings("unchecked")
                    EntityHandle<StockCommand, Stock, StockEvent> stock =
                            context.getBean("stockHandle", EntityHandle.class);
                    List<MutableSpan> spans = context.getBean(Spans.class).finished;

                    AtomicReference<String> traceId = new AtomicReference<>();
                    Outcome<Rx, RxEvent> outcome = Observation.createNotStarted("test.request", registry)
                            .observe(() -> {
                                traceId.set(tracer.currentSpan().context().traceId());
                                // no VerdictTracing call: the runtime's interceptor traces every command
                                return prescriptions.handle("rx-1", new RxCommand.Dispense(2), CommandContext.create());
                            });
                    assertThat(traceId.get()).isNotBlank();

                    // the appended event's headers carry the caller's trace
                    Connection nc = context.getBean(Connection.class);
                    MessageInfo appended = nc.jetStreamManagement().getMessage("pharmacy", outcome.version());
                    assertThat(appended.getHeaders().getFirst("Verdict-Meta-traceparent"))
                            .startsWith("00-" + traceId.get() + "-");

                    // the process manager's command carries it on into the event it appends
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (stock.load("main").version() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    MessageInfo restocked = nc.jetStreamManagement().getLastMessage("pharmacy", "pharmacy.stock.main");
                    assertThat(restocked.getHeaders().getFirst("Verdict-Meta-traceparent"))
                            .startsWith("00-" + traceId.get() + "-");

                    // and the spans: the command, both projections' applies and the process manager's command
                    while (spans.stream()
                                            .filter(s -> s.name().startsWith("verdict apply"))
                                            .count()
                                    < 2
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(spans)
                            .filteredOn(s -> s.traceId().equals(traceId.get()))
                            .extracting(MutableSpan::name)
                            .contains(
                                    "test.request",
                                    "verdict command prescription",
                                    "verdict apply dispensed-total",
                                    "verdict apply take-from-stock",
                                    "verdict command stock");
                });
    }

    @Test
    void withoutAnObservationRegistryNothingIsTraced() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(VerdictAutoConfiguration.class, VerdictTracingAutoConfiguration.class))
                .withPropertyValues("verdict.nats.url=" + NATS.server().url(), "verdict.store.name=untraced")
                .withBean(
                        "prescriptions",
                        Registration.class,
                        () -> Registration.of("prescription", Rx.DECIDER, JsonEventCodec.of(RxEvent.class)))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    VerdictTracing tracing = context.getBean(VerdictTracing.class);
                    assertThat(tracing.registry()).isSameAs(ObservationRegistry.NOOP);
                    assertThat(context).doesNotHaveBean(ProjectionDecorator.class);
                    @SuppressWarnings("unchecked")
                    EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                            context.getBean("prescriptionsHandle", EntityHandle.class);
                    assertThat(context).doesNotHaveBean(CommandInterceptor.class);
                    Outcome<Rx, RxEvent> outcome =
                            prescriptions.handle("rx-3", new RxCommand.Dispense(1), CommandContext.create());
                    MessageInfo appended = context.getBean(Connection.class)
                            .jetStreamManagement()
                            .getMessage("untraced", outcome.version());
                    assertThat(appended.getHeaders().getFirst("Verdict-Meta-traceparent"))
                            .isNull();
                });
    }

    @Test
    void switchedOffNothingIsTracedEither() {
        runner().withPropertyValues("verdict.tracing.enabled=false").run(context -> {
            assertThat(context.getBean(VerdictTracing.class).registry()).isSameAs(ObservationRegistry.NOOP);
            assertThat(context).doesNotHaveBean(ProjectionDecorator.class);
        });
    }

    /** The in-memory exporter: every finished span. */
    @Configuration(proxyBeanMethods = false)
    static class Spans extends SpanHandler {
        final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

        @Override
        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
            finished.add(span);
            return true;
        }
    }
}
