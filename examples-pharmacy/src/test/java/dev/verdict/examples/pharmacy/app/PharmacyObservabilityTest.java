package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Configuration;

/**
 * What Spring Boot and the starter add to the pharmacy: Actuator health with NATS and the projections, Prometheus
 * metrics, and one trace from an HTTP request through the appended events into the read model, the process manager
 * and the command it sends.
 */
class PharmacyObservabilityTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    static Path data;

    static PharmacyApp app;
    static HttpClientForTests http;

    @BeforeAll
    static void start() {
        app = PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data), Spans.class);
        http = new HttpClientForTests(app.url());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void actuatorHealthShowsNatsTheStreamAndEachProjection() {
        Reply health = http.await("/actuator/health", r -> r.status() == 200);

        assertThat(health.body().path("status").asText()).as(health.raw()).isEqualTo("UP");
        JsonNode verdict = health.body().path("components").path("verdict").path("components");
        if (TestMode.shardedRouted()) { // the starter checks one stream: a sharded store has no 'nats' part
            assertThat(verdict.has("nats")).as(health.raw()).isFalse();
        } else {
            assertThat(verdict.path("nats").path("status").asText()).isEqualTo("UP");
        }
        JsonNode projections = verdict.path("projections").path("components");
        for (String name : TestMode.perShard("patient-prescriptions")) {
            assertThat(projections.path(name).path("status").asText()).as(name).isEqualTo("UP");
        }
        for (String name : TestMode.perShard("stock-reorder")) {
            assertThat(projections.path(name).path("status").asText()).as(name).isEqualTo("UP");
        }
    }

    @Test
    void prometheusShowsTheRuntimesTheStoresAndTheProjectionsMeters() throws Exception {
        assertThat(http.post("/prescriptions", order("rx-metered", "patient-metered", "aspirin", 5, 0))
                        .status())
                .isEqualTo(201);

        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(app.url().resolve("/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("verdict_commands_seconds_count{category=\"prescription\"")
                .contains("verdict_store_append_seconds_count{")
                .contains("verdict_projection_applied_events_total{")
                .contains("projection=\""
                        + TestMode.perShard("patient-prescriptions").get(0) + "\"")
                .contains("http_server_requests_seconds_count{");
    }

    @Test
    void aRequestsTraceReachesItsEventsTheReadModelTheProcessManagerAndItsCommand() throws Exception {
        String drug = "traced-drug";
        String rx = "rx-traced";
        assertThat(http.post("/inventory/" + drug + "/receive", "{\"quantity\":12}")
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/prescriptions", order(rx, "patient-traced", drug, 30, 0))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}")
                        .status())
                .isEqualTo(200);

        // the caller's trace: 12 - 5 leaves 7 on hand, below the reorder threshold (10)
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Reply dispensed = http.send(HttpRequest.newBuilder(app.url().resolve("/prescriptions/" + rx + "/dispense"))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":5}")));
        assertThat(dispensed.status()).as(dispensed.raw()).isEqualTo(200);

        try (Connection nc = Nats.connect(NATS.server().url())) {
            // both events of the dispense carry the trace in their headers
            String stream = TestMode.streamOf(nc, "prescription", rx).orElseThrow(); // the drug's shard, when sharded
            MessageInfo fill = nc.jetStreamManagement().getLastMessage(stream, stream + ".prescription." + rx);
            assertThat(fill.getHeaders().getFirst("Verdict-Meta-traceparent")).startsWith("00-" + traceId + "-");
            // the process manager's reorder carries it on into the stock's next event
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            MessageInfo stock = nc.jetStreamManagement().getLastMessage(stream, stream + ".inventory." + drug);
            while (!stock.getHeaders().getFirst("Verdict-Type").equals("ReorderRequested")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
                stock = nc.jetStreamManagement().getLastMessage(stream, stream + ".inventory." + drug);
            }
            assertThat(stock.getHeaders().getFirst("Verdict-Type")).isEqualTo("ReorderRequested");
            assertThat(stock.getHeaders().getFirst("Verdict-Meta-traceparent")).startsWith("00-" + traceId + "-");
        }

        // and the spans of that one trace: the request, the decision, both projections' applies, the reorder
        List<String> expected = List.of(
                "http post /prescriptions/{id}/dispense",
                "verdict command dispense",
                // sharded: the projections of the drug's shard, where the prescription is placed too
                "verdict apply patient-prescriptions" + TestMode.suffixOf("inventory", drug),
                "verdict apply stock-reorder" + TestMode.suffixOf("inventory", drug),
                "verdict command inventory");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!spanNames(traceId).containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(spanNames(traceId)).containsAll(expected);
    }

    private static List<String> spanNames(String traceId) {
        return Spans.FINISHED.stream()
                .filter(s -> s.traceId().equals(traceId))
                .map(MutableSpan::name)
                .toList();
    }

    /** The in-memory exporter: every finished span (Spring Boot's Brave configuration picks SpanHandler beans up). */
    @Configuration(proxyBeanMethods = false)
    static class Spans extends SpanHandler {
        static final List<MutableSpan> FINISHED = new CopyOnWriteArrayList<>();

        @Override
        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
            FINISHED.add(span);
            return true;
        }
    }
}
