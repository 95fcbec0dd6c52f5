package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a JDBC URL the read model lives in PostgreSQL (a throwaway server; skipped with a notice when PostgreSQL is
 * not installed – scripts/install-postgres).
 */
class PharmacyOnPostgresTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    @TempDir
    Path data;

    @Test
    void keepsTheReadModelInPostgresqlAcrossRestarts() throws Exception {
        String url = POSTGRES.server().createDatabase("pharmacy");
        PharmacySettings settings = new PharmacySettings(
                "127.0.0.1",
                0,
                NATS.server().url(),
                url,
                Optional.of(PostgresServer.USER),
                Optional.empty(),
                "pharmacy");
        JsonNode dispensed;
        try (PharmacyApp app = PharmacyApp.start(settings)) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            http.post("/prescriptions", order("rx-pg", "patient-pg", "aspirin", 12, 0));
            http.post("/prescriptions/rx-pg/verify", "{\"pharmacistId\":\"ana\"}");
            http.post("/inventory/aspirin/receive", "{\"quantity\":50}"); // a dispense takes stock
            dispensed = http.post("/prescriptions/rx-pg/dispense", "{\"quantity\":5}")
                    .body();
            http.await(
                    "/patients/patient-pg/prescriptions",
                    r -> r.body().size() == 1 && r.body().get(0).equals(dispensed));
        }

        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, "");
                PreparedStatement s = c.prepareStatement("SELECT status, dispensed, version FROM patient_prescriptions"
                        // sharded: the table of the shard of the prescription's drug
                        + TestMode.suffixOf("inventory", "aspirin").replace('-', '_')
                        + " WHERE prescription_id = ?")) {
            s.setString(1, "rx-pg");
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString("status")).isEqualTo("dispensing");
                assertThat(r.getInt("dispensed")).isEqualTo(5);
                assertThat(r.getLong("version"))
                        .isEqualTo(dispensed.path("version").asLong());
            }
        }
        try (PharmacyApp app = PharmacyApp.start(settings)) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            assertThat(http.get("/patients/patient-pg/prescriptions").body().get(0))
                    .isEqualTo(dispensed);
        }
    }
}
