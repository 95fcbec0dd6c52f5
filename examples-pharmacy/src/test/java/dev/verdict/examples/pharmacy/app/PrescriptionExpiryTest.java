package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerRef;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prescription's expiry on a durable timer, across the app's death: ordered with {@code expiresAt} a few seconds
 * ahead, the app (a child JVM, as {@code scripts/pharmacy} starts it) is killed with SIGKILL once the timer is stored,
 * the expiry passes while no app runs, and the app started again shows {@code expired} with exactly one {@code
 * PrescriptionExpired}; dispensing and refilling then answer {@code 409 prescription.expired}.
 */
class PrescriptionExpiryTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path data;

    @Test
    void anExpiryThatPassedWhileTheAppWasDownIsRecordedOnceWhenItIsBack() throws Exception {
        ChildApp app = new ChildApp(data);
        try {
            HttpClientForTests http = new HttpClientForTests(app.launch());
            Reply past = http.post(
                    "/prescriptions",
                    withExpiry(
                            order("rx-past", "patient-x", "aspirin", 10, 0),
                            Instant.now().minusSeconds(1)));
            assertThat(past.status()).isEqualTo(400);
            assertThat(past.error()).isEqualTo("bad-request");
            assertThat(http.get("/prescriptions/rx-past").status()).isEqualTo(404);

            Instant expiresAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
            Reply ordered =
                    http.post("/prescriptions", withExpiry(order("rx-exp", "patient-x", "aspirin", 10, 1), expiresAt));
            assertThat(ordered.status()).isEqualTo(201);
            assertThat(ordered.body().path("expiresAt").asText()).isEqualTo(expiresAt.toString());
            assertThat(http.post("/prescriptions/rx-exp/verify", "{\"pharmacistId\":\"ana\"}")
                            .status())
                    .isEqualTo(200);
            awaitTimerStored(TimerRef.of(PrescriptionExpiry.OWNER, "rx-exp", PrescriptionExpiry.TIMER));

            app.kill();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 1500);

            http = new HttpClientForTests(app.launch());
            Reply expired = http.await(
                    "/prescriptions/rx-exp",
                    r -> r.body().path("status").asText().equals("expired"));
            assertThat(expired.body().path("expiresAt").asText()).isEqualTo(expiresAt.toString());
            Thread.sleep(1000); // a second expiry would be stored by now
            JsonNode events = http.get("/prescriptions/rx-exp/events").body();
            List<String> types = new ArrayList<>();
            events.forEach(e -> types.add(e.path("type").asText()));
            assertThat(types).containsExactly("PrescriptionOrdered", "PrescriptionVerified", "PrescriptionExpired");

            Reply dispense = http.post("/prescriptions/rx-exp/dispense", "{\"quantity\":1}");
            assertThat(dispense.status()).isEqualTo(409);
            assertThat(dispense.error()).isEqualTo("prescription.expired");
            Reply refill = http.post("/prescriptions/rx-exp/refill", "");
            assertThat(refill.status()).isEqualTo(409);
            assertThat(refill.error()).isEqualTo("prescription.expired");
        } finally {
            app.kill();
        }
    }

    private static String withExpiry(String orderJson, Instant expiresAt) {
        return orderJson.substring(0, orderJson.lastIndexOf('}')) + ",\"expiresAt\":\"" + expiresAt + "\"}";
    }

    /** Waits until the app has stored the timer (read with the port, from the test's own connection). */
    private static void awaitTimerStored(TimerRef ref) throws Exception {
        try (Connection nc = NATS.server().connect()) {
            String timerStream = nc.jetStreamManagement().getStreamNames().stream()
                    .filter(n -> n.endsWith("_timers"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the app created no timer stream"));
            String store = timerStream.substring(0, timerStream.length() - "_timers".length());
            NatsTimers timers = NatsTimers.create(
                    nc, NatsEventStoreConfig.of(StoreName.of(store).value()));
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (timers.find(ref).isEmpty()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("timer " + ref + " was not scheduled within 15 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** The app in a child JVM running {@code PharmacyApp}'s main; killed with SIGKILL. */
    private static final class ChildApp {
        private final Path dataDir;
        private final Path log;
        private Process process;
        private int launches;

        ChildApp(Path dataDir) {
            this.dataDir = dataDir;
            this.log = dataDir.resolve("app.log");
        }

        URI launch() throws Exception {
            launches++;
            ProcessBuilder pb = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    PharmacyApp.class.getName());
            pb.environment().put("NATS_URL", NATS.server().url());
            pb.environment().put("PORT", "0");
            pb.environment().put("DATA_DIR", dataDir.toString());
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Files.writeString(
                    log, "=== launch " + launches + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = pb.start();
            Pattern running = Pattern.compile("Verdict pharmacy is running on (http://\\S+)");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                String text = Files.readString(log);
                String current = text.substring(text.lastIndexOf("=== launch " + launches));
                Matcher m = running.matcher(current);
                if (m.find()) {
                    return URI.create(m.group(1));
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the app did not start: " + current.substring(Math.max(0, current.length() - 3000)));
                }
                Thread.sleep(100);
            }
        }

        void kill() throws IOException, InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
