package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Restarting the app – and the nats-server under it – keeps every event and the read model. */
class PharmacyRestartTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path data;

    @Test
    void aRestartedAppServesEverythingStoredBefore() {
        JsonNode before;
        JsonNode stockBefore;
        try (PharmacyApp app =
                PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data))) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            http.post("/inventory/aspirin/receive", "{\"quantity\":40}");
            http.post("/prescriptions", order("rx-restart", "patient-restart", "aspirin", 12, 1));
            http.post("/prescriptions/rx-restart/verify", "{\"pharmacistId\":\"ana\"}");
            before = http.post("/prescriptions/rx-restart/dispense", "{\"quantity\":4}")
                    .body();
            http.await(
                    "/patients/patient-restart/prescriptions",
                    r -> r.body().size() == 1 && r.body().get(0).equals(before));
            stockBefore = http.await(
                            "/inventory/aspirin", r -> r.body().path("onHand").asInt() == 36)
                    .body();
        }
        NATS.server().stop();
        NATS.server().start();

        try (PharmacyApp app =
                PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data))) {
            HttpClientForTests http = new HttpClientForTests(app.url());

            assertThat(http.get("/prescriptions/rx-restart").body()).isEqualTo(before);
            assertThat(http.get("/prescriptions/rx-restart/events").body()).hasSize(3);
            assertThat(http.get("/inventory/aspirin").body()).isEqualTo(stockBefore);
            Reply list = http.get("/patients/patient-restart/prescriptions");
            assertThat(list.body()).hasSize(1);
            assertThat(list.body().get(0)).isEqualTo(before);

            Reply next = http.post("/prescriptions/rx-restart/dispense", "{\"quantity\":8}");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body().path("status").asText()).isEqualTo("filled");
            http.await(
                    "/patients/patient-restart/prescriptions",
                    r -> r.body().get(0).equals(next.body()));
        }
    }
}
