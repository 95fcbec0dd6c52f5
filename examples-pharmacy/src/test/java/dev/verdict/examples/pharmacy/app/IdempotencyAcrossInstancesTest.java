package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the app on one nats-server share what each Idempotency-Key was used for: a repeat sent to the
 * other instance gets the first answer and stores nothing, another request with the key is refused there too.
 */
class IdempotencyAcrossInstancesTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path dataA;

    @TempDir
    Path dataB;

    /**
     * An instance appended the events of a keyed request and died before recording the answer (simulated: the
     * entry is put back to a {@code pending} claim, stamped by a clock an hour ahead of this machine's). A repeat on
     * another instance takes the claim over once it saw it unchanged for the lease – whatever the dead instance's
     * clock said –, executes with the same command id, and the runtime recognises the stored events: same answer,
     * stored once.
     */
    @Test
    void anAnswerLostInACrashIsRecoveredFromTheStoredEvents() throws Exception {
        try (PharmacyApp a =
                        PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), dataA));
                PharmacyApp b =
                        PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), dataB));
                Connection nats = Nats.connect(NATS.server().url())) {
            HttpClientForTests toA = new HttpClientForTests(a.url());
            HttpClientForTests toB = new HttpClientForTests(b.url());
            toA.post("/prescriptions", order("rx-crash", "patient-crash", "aspirin", 10, 0));
            toA.post("/prescriptions/rx-crash/verify", "{\"pharmacistId\":\"ana\"}");
            toA.post("/inventory/aspirin/receive", "{\"quantity\":50}"); // a dispense takes stock
            String path = "/prescriptions/rx-crash/dispense";
            String body = "{\"quantity\":4}";
            Reply first = toA.post(path, body, "crash-key");
            toA.post(path, "{\"quantity\":1}"); // later change: the answer must still be the first one
            IdempotencyRecords.Request request =
                    new IdempotencyRecords.Request("POST", path, body.getBytes(StandardCharsets.UTF_8));
            nats.keyValue("pharmacy-idempotency")
                    .put(
                            IdempotencyRecords.recordKey("crash-key"),
                            PharmacyApp.objectMapper()
                                    .writeValueAsBytes(IdempotencyRecords.Entry.pending(
                                            request.fingerprint(), Instant.now().plusSeconds(3600))));

            Reply repeat = toB.post(path, body, "crash-key");

            assertThat(repeat.status()).as(repeat.raw()).isEqualTo(200);
            assertThat(repeat.raw()).isEqualTo(first.raw());
            assertThat(toB.get("/prescriptions/rx-crash")
                            .body()
                            .path("dispensed")
                            .asInt())
                    .isEqualTo(5);
            assertThat(toB.post(path, body, "crash-key").raw()).isEqualTo(first.raw()); // recorded now
        }
    }

    @Test
    void aRepeatOnAnotherInstanceGetsTheFirstAnswerAndAnotherRequestIsRefused() {
        try (PharmacyApp a =
                        PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), dataA));
                PharmacyApp b =
                        PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), dataB))) {
            HttpClientForTests toA = new HttpClientForTests(a.url());
            HttpClientForTests toB = new HttpClientForTests(b.url());
            toA.post("/prescriptions", order("rx-shared", "patient-shared", "aspirin", 10, 0));
            toA.post("/prescriptions/rx-shared/verify", "{\"pharmacistId\":\"ana\"}");
            toA.post("/inventory/aspirin/receive", "{\"quantity\":50}"); // a dispense takes stock

            Reply first = toA.post("/prescriptions/rx-shared/dispense", "{\"quantity\":4}", "shared-key");
            toA.post("/prescriptions/rx-shared/dispense", "{\"quantity\":1}");
            Reply repeat = toB.post("/prescriptions/rx-shared/dispense", "{\"quantity\":4}", "shared-key");
            Reply other = toB.post("/prescriptions/rx-shared/dispense", "{\"quantity\":2}", "shared-key");

            assertThat(first.status()).isEqualTo(200);
            assertThat(repeat.status()).isEqualTo(200);
            assertThat(repeat.raw()).isEqualTo(first.raw());
            assertThat(other.status()).isEqualTo(422);
            assertThat(other.error()).isEqualTo("idempotency-key-reused");
            assertThat(toB.get("/prescriptions/rx-shared")
                            .body()
                            .path("dispensed")
                            .asInt())
                    .isEqualTo(5);
        }
    }
}
