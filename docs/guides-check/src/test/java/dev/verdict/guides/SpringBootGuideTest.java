package dev.verdict.guides;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/spring-boot.md as a reader follows it: its files make a Spring Boot service whose {@code mvn package} runs
 * the guide's test, and whose jar, started as the guide says, answers {@code /actuator/health} with Verdict UP,
 * dispenses over HTTP, counts the command in {@code /actuator/prometheus}, and stores the event with the request's
 * trace id.
 */
class SpringBootGuideTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theServiceBuildsStartsAndAnswersWithHealthMetricsAndTraces() throws Exception {
        GuideProject project = GuideProject.of("spring-boot", "docs/spring-boot.md");
        assertThat(project.testClasses()).contains("com.example.pharmacy.PharmacyApplicationTest");

        project.maven(Duration.ofMinutes(5), project.withClassPath("package"));

        Map<String, Integer> run = project.testsRun();
        for (String testClass : project.testClasses()) {
            assertThat(run.getOrDefault(testClass, 0))
                    .as("tests run in %s (surefire reports: %s)", testClass, run)
                    .isPositive();
        }

        assertThat(project.dir().resolve(".jqwik-database"))
                .as("jqwik's database stays out of the project's root (the guide's junit-platform.properties)")
                .doesNotExist();
        assertThat(project.lintWarningsAboutVerdict())
                .as("javac -Xlint:all on the guide's code: warnings about Verdict's classes")
                .isEmpty();

        int port = freePort();
        Path log = project.dir().resolve("service.log");
        Process service = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar(project.dir().resolve("target")).toString(),
                        "--verdict.nats.url=" + NATS.server().url(),
                        "--server.port=" + port)
                .directory(project.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String base = "http://127.0.0.1:" + port;
            JsonNode health = new ObjectMapper().readTree(awaitHealthy(base + "/actuator/health", service, log));
            JsonNode verdict = health.path("components").path("verdict");
            assertThat(verdict.path("status").asText())
                    .as("verdict's health: %s", verdict)
                    .isEqualTo("UP");
            assertThat(verdict.path("components").path("nats").path("status").asText())
                    .isEqualTo("UP");
            assertThat(verdict.path("components")
                            .path("projections")
                            .path("components")
                            .size())
                    .as("the guide's two projections in the health")
                    .isEqualTo(2);

            HttpResponse<String> dispensed = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/prescriptions/rx-1/dispense?quantity=10"))
                            .header("Idempotency-Key", "req-1")
                            .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dispensed.statusCode()).as(dispensed.body()).isEqualTo(200);
            assertThat(dispensed.body()).isEqualTo("20 remain\n");

            String metrics = get(base + "/actuator/prometheus").body();
            assertThat(metrics.lines()
                            .filter(line -> line.startsWith("verdict_commands_seconds_count{")
                                    && line.contains("category=\"prescription\"")
                                    && line.contains("outcome=\"accepted\""))
                            .toList())
                    .as("the command's meter in /actuator/prometheus")
                    .singleElement()
                    .satisfies(line -> assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                            .isGreaterThanOrEqualTo(1.0));

            MessageInfo event =
                    NATS.connection().jetStreamManagement().getLastMessage("pharmacy", "pharmacy.prescription.rx-1");
            assertThat(event.getHeaders().getFirst("Verdict-Meta-traceparent"))
                    .as("the stored event's trace")
                    .startsWith("00-" + TRACE_ID + "-");
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private String awaitHealthy(String url, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError(
                        "the service exited (" + service.exitValue() + "):\n" + GuideProject.tail(log));
            }
            try {
                HttpResponse<String> health = get(url);
                if (health.statusCode() == 200) {
                    return health.body();
                }
                last = health.statusCode() + " " + health.body();
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the service's health is not UP after 90 s: " + last + "\n" + GuideProject.tail(log));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path jar(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .toList();
            assertThat(jars).as("the service's jar in " + target).hasSize(1);
            return jars.get(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
