package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code scripts/pharmacy demo}: starts the app and walks through a prescription's life over HTTP – order, verify,
 * partial dispenses, a rejected over-dispense, refill, an idempotent retry, history, time travel, the read model –
 * printing every request and answer. Exits non-zero if any answer is not the expected one.
 */
public final class PharmacyDemo {
    private final URI base;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = PharmacyApp.objectMapper();
    private int step;

    PharmacyDemo(URI base, PrintStream out) {
        this.base = base;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path log = logToFile(System.getenv());
        System.out.println("(the app logs to " + log + ")");
        PharmacySettings settings = PharmacySettings.fromEnvironment(System.getenv());
        try (PharmacyApp app = PharmacyApp.start(settings)) {
            new PharmacyDemo(app.url(), System.out).run();
        } catch (DemoFailed e) {
            System.err.println("demo failed: " + e.getMessage() + " (the app's log: " + log + ")");
            System.exit(1);
        }
    }

    /**
     * The demo's output is its story: the app's log lines go to {@code pharmacy-demo.log} in the data folder
     * ({@code DATA_DIR}, default {@code data}), none to the console. Spring Boot's {@code logging.*} properties, set
     * as system properties before the app starts; returns the log file.
     */
    static Path logToFile(Map<String, String> env) throws IOException {
        Path log =
                Path.of(env.getOrDefault("DATA_DIR", "data")).toAbsolutePath().resolve("pharmacy-demo.log");
        Files.createDirectories(log.getParent());
        System.setProperty("logging.file.name", log.toString());
        System.setProperty("logging.threshold.console", "OFF");
        return log;
    }

    /** Thrown when an answer differs from what the walk-through expects. */
    static final class DemoFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailed(String message) {
            super(message);
        }
    }

    void run() throws IOException, InterruptedException {
        String rx = "rx-demo-" + Long.toString(System.currentTimeMillis(), 36);
        String patient = "patient-demo";
        String drug = "amoxicillin-500mg";
        out.println("Verdict pharmacy demo against " + base + " (prescription " + rx + ")");

        call(
                "The pharmacy receives 100 tablets",
                "POST",
                "/inventory/" + drug + "/receive",
                body("quantity", 100),
                200);
        call(
                "Dr. House orders 30 tablets with one refill",
                "POST",
                "/prescriptions",
                body(
                        "prescriptionId",
                        rx,
                        "patientId",
                        patient,
                        "drug",
                        drug,
                        "quantity",
                        30,
                        "unit",
                        "tablet",
                        "refills",
                        1,
                        "prescriberId",
                        "dr-house"),
                201);
        call(
                "Dispensing before verification is refused",
                "POST",
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 10),
                409);
        call(
                "A pharmacist verifies it",
                "POST",
                "/prescriptions/" + rx + "/verify",
                body("pharmacistId", "pharmacist-ana"),
                200);
        JsonNode stockBefore = call("The stock before dispensing", "GET", "/inventory/" + drug, null, 200);
        JsonNode first = call(
                "Dispense 10 (a partial fill): the prescription and the stock change in one atomic append",
                "POST",
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 10),
                200);
        JsonNode stockAfter = call("The stock right after: 10 fewer on hand", "GET", "/inventory/" + drug, null, 200);
        if (stockAfter.path("onHand").asInt() > stockBefore.path("onHand").asInt() - 10) {
            throw new DemoFailed(
                    "the stock did not go down by 10 with the dispense: " + stockBefore + " -> " + stockAfter);
        }
        long afterFirstDispense = first.path("version").asLong();
        Instant between = Instant.now();
        Thread.sleep(20);
        call("Dispense 15 more", "POST", "/prescriptions/" + rx + "/dispense", body("quantity", 15), 200);
        call(
                "Dispensing 10 more is refused: only 5 remain",
                "POST",
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 10),
                409);
        call(
                "Dispense the last 5: the first fill is complete",
                "POST",
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 5),
                200);
        call("Start the refill", "POST", "/prescriptions/" + rx + "/refill", body(), 200);
        JsonNode once = callWithKey(
                "Dispense 12 with Idempotency-Key demo-" + rx,
                "demo-" + rx,
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 12));
        JsonNode twice = callWithKey(
                "...and the same request again (a client retry): same answer, nothing new",
                "demo-" + rx,
                "/prescriptions/" + rx + "/dispense",
                body("quantity", 12));
        if (!once.equals(twice)) {
            throw new DemoFailed("the repeated request answered " + twice + " instead of " + once);
        }
        call("The history: every event with its stream sequence", "GET", "/prescriptions/" + rx + "/events", null, 200);
        call(
                "Time travel by sequence: the prescription right after the first dispense",
                "GET",
                "/prescriptions/" + rx + "?asOf=" + afterFirstDispense,
                null,
                200);
        call(
                "Time travel by instant: the prescription at " + between,
                "GET",
                "/prescriptions/" + rx + "?asOf=" + between,
                null,
                200);
        call("Now", "GET", "/prescriptions/" + rx, null, 200);
        poll(
                "The read model (a JDBC projection) caught up: the patient's prescriptions",
                "/patients/" + patient + "/prescriptions",
                body -> containsVersion(body, rx, twice.path("version").asLong()));
        call("The stock after all this", "GET", "/inventory/" + drug, null, 200);
        out.println();
        out.println("Done. Everything above is stored in JetStream (stream 'pharmacy') and survives a restart.");
    }

    /** A JSON object with its fields in the given order. */
    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }

    /** Objects pretty-printed; lists one element per line, so a history reads like a log. */
    private String show(JsonNode answer) throws IOException {
        if (answer.isArray()) {
            StringBuilder lines = new StringBuilder("[");
            for (JsonNode element : answer) {
                lines.append("\n  ").append(json.writeValueAsString(element));
            }
            return lines.append(answer.isEmpty() ? "]" : "\n]").toString();
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(answer);
    }

    private static boolean containsVersion(JsonNode list, String rx, long version) {
        for (JsonNode row : list) {
            if (row.path("prescriptionId").asText().equals(rx)
                    && row.path("version").asLong() >= version) {
                return true;
            }
        }
        return false;
    }

    private JsonNode call(String title, String method, String path, Object body, int expected)
            throws IOException, InterruptedException {
        return exchange(title, method, path, body, expected, null);
    }

    private JsonNode callWithKey(String title, String key, String path, Object body)
            throws IOException, InterruptedException {
        return exchange(title, "POST", path, body, 200, key);
    }

    private JsonNode exchange(String title, String method, String path, Object body, int expected, String key)
            throws IOException, InterruptedException {
        out.println();
        out.println(++step + ". " + title);
        String text = body == null ? "" : json.writeValueAsString(body);
        out.println("   > " + method + " " + path + (key == null ? "" : "  [Idempotency-Key: " + key + "]")
                + (text.isEmpty() ? "" : "  " + text));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = json.readTree(response.body());
        out.println("   < " + response.statusCode() + " " + indent(show(answer)));
        if (response.statusCode() != expected) {
            throw new DemoFailed("step " + step + " answered " + response.statusCode() + ", expected " + expected);
        }
        return answer;
    }

    private void poll(String title, String path, Predicate<JsonNode> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = json.readTree(response.body());
            if (response.statusCode() == 200 && done.test(answer)) {
                exchange(title, "GET", path, null, 200, null);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailed("'" + title + "' did not happen within 10 s; last answer " + answer);
            }
            Thread.sleep(50);
        }
    }

    private static String indent(String text) {
        return text.replace("\n", "\n     ");
    }
}
