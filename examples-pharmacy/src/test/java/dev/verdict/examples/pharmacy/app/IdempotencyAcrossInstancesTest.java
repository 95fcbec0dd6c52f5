package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import java.nio.file.Path;
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
