package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.testing.nats.NatsServerExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console needs from the app, without a browser: its static files with their content types, {@code GET
 * /patients} from the read model, and the live events as server-sent events (with {@code Last-Event-ID} resumption).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleServingTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    static Path data;

    static PharmacyApp app;
    static HttpClientForTests http;
    static final HttpClient RAW = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() {
        app = PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data));
        http = new HttpClientForTests(app.url());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return RAW.send(
                HttpRequest.newBuilder(app.url().resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndItsFilesWithTheirContentTypes() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(mediaType(page)).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Pharmacy console").contains("/console/console.js");

        assertThat(mediaType(get("/console/console.js"))).isEqualTo("text/javascript; charset=utf-8");
        assertThat(mediaType(get("/console/console.css"))).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void answersUnknownOrUnsafeFileNamesWithTheApisNotFound() throws Exception {
        for (String path : List.of("/console/missing.js", "/console/..%2Fapp%2FPharmacyApp.class", "/console/")) {
            HttpResponse<String> reply = get(path);
            assertThat(reply.statusCode()).as(path).isEqualTo(404);
            assertThat(new ObjectMapper().readTree(reply.body()).path("error").asText())
                    .isEqualTo("not-found");
        }
        assertThat(http.post("/console/console.js", "{}").status()).isEqualTo(405);
    }

    @Test
    void listsThePatientsOfTheReadModel() {
        http.post("/prescriptions", order("rx-serving-1", "patient-serving-b", "ibuprofen", 10, 0));
        http.post("/prescriptions", order("rx-serving-2", "patient-serving-a", "ibuprofen", 10, 0));
        http.post("/prescriptions", order("rx-serving-3", "patient-serving-a", "ibuprofen", 10, 0));

        // the read model is eventually consistent: wait until it applied all three orders
        HttpClientForTests.Reply patients = http.await(
                "/patients",
                r -> r.raw().contains("patient-serving-b")
                        && r.raw().contains("{\"patientId\":\"patient-serving-a\",\"prescriptions\":2}"));

        List<String> ids = new ArrayList<>();
        for (JsonNode p : patients.body()) {
            ids.add(p.path("patientId").asText());
            if (p.path("patientId").asText().equals("patient-serving-a")) {
                assertThat(p.path("prescriptions").asInt()).isEqualTo(2);
            }
        }
        assertThat(ids).containsSubsequence("patient-serving-a", "patient-serving-b");
    }

    @Test
    void streamsEveryStoredEventAsAServerSentEventAndResumesAfterLastEventId() throws Exception {
        HttpResponse<InputStream> stream = RAW.send(
                HttpRequest.newBuilder(app.url().resolve("/events/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(mediaType(stream)).isEqualTo("text/event-stream; charset=utf-8");
        long first;
        String firstId;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(http.post("/prescriptions", order("rx-live-1", "patient-live", "aspirin", 5, 0))
                            .status())
                    .isEqualTo(201);
            http.post("/prescriptions/rx-live-1/verify", "{\"pharmacistId\":\"ana\"}");

            lastId = null;
            JsonNode ordered = nextEvent(lines);
            firstId = lastId;
            assertThat(ordered.path("type").asText()).isEqualTo("PrescriptionOrdered");
            assertThat(ordered.path("category").asText()).isEqualTo("prescription");
            assertThat(ordered.path("id").asText()).isEqualTo("rx-live-1");
            assertThat(ordered.path("data").path("patientId").asText()).isEqualTo("patient-live");
            assertThat(ordered.path("time").asText()).endsWith("Z");
            first = ordered.path("sequence").asLong();
            assertThat(nextEvent(lines).path("type").asText()).isEqualTo("PrescriptionVerified");
        }

        // a browser reconnecting after the first event gets the second one again, nothing is missed
        HttpResponse<InputStream> resumed = RAW.send(
                HttpRequest.newBuilder(app.url().resolve("/events/stream"))
                        .header("Last-Event-ID", firstId)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8))) {
            JsonNode next = nextEvent(lines);
            assertThat(next.path("type").asText()).isEqualTo("PrescriptionVerified");
            assertThat(next.path("sequence").asLong()).isGreaterThan(first);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the slots of the closed streams are freed a few seconds later
    void refusesMoreStreamsThanTheLimitAndFreesTheSlotsOfClosedOnes() throws Exception {
        List<InputStream> open = new ArrayList<>();
        try {
            // the streams of the tests before are released at their next keep-alive (within 5 s): wait that out once
            // (opening streams to probe would hold more slots for 5 s each)
            Thread.sleep(6_000);
            while (open.size() < LiveEvents.MAX_STREAMS) {
                HttpResponse<InputStream> stream = openStream();
                open.add(stream.body());
                assertThat(stream.statusCode()).isEqualTo(200);
            }
            HttpResponse<String> refused = get("/events/stream");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(refused.body()).path("error").asText())
                    .isEqualTo("unavailable");
        } finally {
            for (InputStream in : open) {
                in.close();
            }
        }
        // a closed stream is noticed at its next keep-alive (every 5 s); its consumer and slot are released
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<InputStream> again = openStream();
            again.body().close();
            if (again.statusCode() == 200) {
                break;
            }
            assertThat(System.nanoTime()).as("a slot is freed within 30 s").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /**
     * The response's media type as {@code type/subtype; charset=lowercase}: the header's spelling (spaces, the charset's
     * case) is not part of the contract, the type and the charset are.
     */
    private static String mediaType(HttpResponse<?> response) {
        String header = response.headers().firstValue("Content-Type").orElse("");
        StringBuilder normal = new StringBuilder();
        for (String part : header.split(";")) {
            String trimmed = part.trim().toLowerCase(java.util.Locale.ROOT);
            if (!trimmed.isEmpty()) {
                normal.append(normal.length() == 0 ? "" : "; ").append(trimmed.replace(" ", ""));
            }
        }
        return normal.toString();
    }

    private static HttpResponse<InputStream> openStream() throws Exception {
        return RAW.send(
                HttpRequest.newBuilder(app.url().resolve("/events/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The next SSE message's data (skipping comments), checking that its id is its stream sequence. */
    /** The SSE id of the last event {@link #nextEvent} read. */
    private static String lastId;

    /**
     * The next event's data; its id is the event's stream sequence (unsharded) or the position in every shard stream,
     * the shard's sequence among them (sharded), kept in {@link #lastId}.
     */
    private static JsonNode nextEvent(BufferedReader lines) throws Exception {
        String id = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            // a field is "name:value", one space after the colon being optional (the SSE specification)
            if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                JsonNode event = new ObjectMapper().readTree(line.substring(5));
                if (TestMode.shardedRouted()) {
                    assertThat(id.split("-"))
                            .hasSize(TestMode.SHARDS)
                            .contains(event.path("sequence").asText());
                } else {
                    assertThat(id).isEqualTo(event.path("sequence").asText());
                }
                lastId = id;
                return event;
            }
        }
        throw new AssertionError("the stream ended");
    }
}
