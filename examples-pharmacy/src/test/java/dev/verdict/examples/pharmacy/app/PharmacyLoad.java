package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients sending prescription lifecycles (order, verify, dispense in parts, refill, sometimes cancel) and stock
 * receipts to random instances. Every request carries an idempotency key, so a request whose instance died is
 * sent again to another one.
 */
final class PharmacyLoad {
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    final ObjectMapper json = new ObjectMapper();
    final AtomicBoolean running = new AtomicBoolean();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicInteger lifecycles = new AtomicInteger();
    /**
     * Commands the domain refused. Not this test's verdict (each prescription's commands are sent in a valid order,
     * so a refusal means an instance decided on a stale state – a read concern, not a projection one), but noted.
     */
    final List<String> rejected = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Clients that gave up: no instance answered a command for 60 s. */
    final List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());

    final List<Thread> threads = new ArrayList<>();
    InstancesScenario scenario;

    void start() {
        running.set(true);
        for (int t = 0; t < InstancesScenario.CLIENTS; t++) {
            int client = t;
            Thread thread = new Thread(() -> run(client), "load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(90).toMillis());
        }
        threads.clear();
    }

    void run(int client) {
        Random random = new Random(client * 7919L);
        int n = 0;
        try {
            while (running.get()) {
                lifecycle(client, n++, random);
            }
        } catch (RuntimeException e) {
            unanswered.add("client " + client + " stopped: " + e);
        }
    }

    void lifecycle(int client, int n, Random random) {
        String rx = "rx-" + client + "-" + n;
        String patient = "patient-" + random.nextInt(12);
        String drug = InstancesScenario.DRUGS[random.nextInt(InstancesScenario.DRUGS.length)];
        int quantity = 3 + random.nextInt(10);
        int refills = random.nextInt(3);
        lifecycles.incrementAndGet();
        if (client == 0 && n % 5 == 4) {
            send("/inventory/" + drug + "/receive", "{\"quantity\":" + (1 + random.nextInt(50)) + "}", rx + "-stock");
        }
        JsonNode state =
                send("/prescriptions", HttpClientForTests.order(rx, patient, drug, quantity, refills), rx + "-order");
        if (state == null) {
            return;
        }
        boolean cancelEarly = random.nextInt(10) == 0;
        if (cancelEarly) {
            send("/prescriptions/" + rx + "/cancel", "{\"reason\":\"changed mind\"}", rx + "-cancel");
            return;
        }
        state = send("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}", rx + "-verify");
        int step = 0;
        for (int fill = 1; fill <= refills + 1 && state != null; fill++) {
            if (fill > 1) {
                state = send("/prescriptions/" + rx + "/refill", "{}", rx + "-refill-" + fill);
            }
            while (state != null && state.path("remaining").asInt() > 0) {
                if (random.nextInt(12) == 0) {
                    send("/prescriptions/" + rx + "/cancel", "{\"reason\":\"side effects\"}", rx + "-cancel");
                    return;
                }
                int part = 1 + random.nextInt(state.path("remaining").asInt());
                state = send(
                        "/prescriptions/" + rx + "/dispense",
                        "{\"quantity\":" + part + "}",
                        rx + "-dispense-" + (step++));
            }
        }
    }

    /** Sends until an instance answers; null (and recorded) when the command was refused. */
    JsonNode send(String path, String body, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            List<URI> urls = scenario == null ? List.of() : scenario.liveUrls();
            if (urls.isEmpty()) {
                sleep(100);
                continue;
            }
            URI base = urls.get(ThreadLocalRandom.current().nextInt(urls.size()));
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(base.resolve(path))
                                .timeout(Duration.ofSeconds(20))
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode answer = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    accepted.incrementAndGet();
                    return answer;
                }
                if (status >= 500
                        || (status == 409 && answer.path("error").asText().equals("conflict"))) {
                    last = status + " " + response.body();
                } else {
                    rejected.add("POST " + path + " (" + key + "): " + status + " " + response.body());
                    return null;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            retried.incrementAndGet();
            sleep(100);
        }
        throw new IllegalStateException("POST " + path + " (" + key + ") unanswered for 60 s; last: " + last);
    }

    void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
