package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** While NATS is unreachable the API answers 503 – and serves again once NATS is back. */
class PharmacyUnavailableTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path data;

    @Test
    void answers503WhileNatsIsUnreachableAndRecoversAfterwards() {
        try (PharmacyApp app =
                PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data))) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            assertThat(http.post("/prescriptions", order("rx-outage", "patient-outage", "aspirin", 12, 1))
                            .status())
                    .isEqualTo(201);

            NATS.server().stop();
            try {
                Reply read = http.await("/prescriptions/rx-outage", r -> r.status() == 503);
                assertThat(read.error()).isEqualTo("unavailable");
                assertThat(http.get("/health").status()).isEqualTo(503);
                Reply write = http.post("/prescriptions/rx-outage/verify", "{\"pharmacistId\":\"ana\"}");
                assertThat(write.status()).isEqualTo(503);
                assertThat(write.raw()).doesNotContain("Exception");
                Reply badInput = http.post("/prescriptions/rx-outage/dispense", "{\"quantity\":-1}");
                assertThat(badInput.status()).isEqualTo(400);
            } finally {
                NATS.server().start();
            }

            Reply back = http.await("/prescriptions/rx-outage", r -> r.status() == 200);
            assertThat(back.body().path("status").asText()).isEqualTo("ordered");
            assertThat(http.post("/prescriptions/rx-outage/verify", "{\"pharmacistId\":\"ana\"}")
                            .status())
                    .isEqualTo(200);
        }
    }
}
