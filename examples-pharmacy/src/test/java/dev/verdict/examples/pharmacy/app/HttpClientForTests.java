package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A tiny JSON-over-HTTP client for the end-to-end tests. */
final class HttpClientForTests {
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    HttpClientForTests(URI base) {
        this.base = base;
    }

    record Reply(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
        String error() {
            return body.path("error").asText();
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply post(String path, String body, String idempotencyKey) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
            return new Reply(response.statusCode(), body, response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls a GET until the answer satisfies the condition (for eventually consistent read models). */
    Reply await(String path, Predicate<Reply> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Reply last = get(path);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("GET " + path + " did not reach the expected answer in 15 s; last: "
                        + last.status() + " " + last.raw());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = get(path);
        }
        return last;
    }

    static String order(String rx, String patient, String drug, int quantity, int refills) {
        return "{\"prescriptionId\":\"" + rx + "\",\"patientId\":\"" + patient + "\",\"drug\":\"" + drug
                + "\",\"quantity\":" + quantity + ",\"unit\":\"tablet\",\"refills\":" + refills
                + ",\"prescriberId\":\"dr-house\"}";
    }
}
