package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.StoredBytes;
import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 25's acceptance: a patient with ten prescriptions, snapshots, Idempotency-Key records and a PostgreSQL read
 * model is erased; the nats-server's storage directory and the app's log hold neither the name nor the birth date
 * (plain or base64) before or after, the read model neither, the data key's wrapped bytes are gone after, another
 * patient is untouched, and it all stays so after the app and the server restart.
 */
class PatientErasureTest {
    private static final String NAME = "Ada Lovelace";
    private static final String BORN = "1985-12-10";
    private static final String OTHER = "Grace Hopper";

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        System.setProperty("PHARMACY_KEK", Base64.getEncoder().encodeToString(kek));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.clearProperty("PHARMACY_KEK");
    }

    @Test
    void anErasedPatientIsGoneFromEveryCopyAndTheRestStillWorks() throws Exception {
        String jdbc = POSTGRES.server().createDatabase("erasure");
        try (LocalNatsServer server = LocalNatsServer.launch()) {
            PharmacySettings settings = new PharmacySettings(
                    "127.0.0.1", 0, server.url(), jdbc, Optional.of(PostgresServer.USER), Optional.empty(), "pharmacy");
            String wrappedKey;
            try (PharmacyApp app = PharmacyApp.start(settings)) {
                HttpClientForTests http = new HttpClientForTests(app.url());
                Reply registered = http.post(
                        "/patients",
                        "{\"patientId\":\"p-ada\",\"name\":\"" + NAME + "\",\"birthDate\":\"" + BORN + "\"}",
                        "register-ada");
                assertThat(registered.status()).isEqualTo(201);
                assertThat(registered.body().path("name").asText()).isEqualTo(NAME);
                assertThat(http.post(
                                        "/patients",
                                        "{\"patientId\":\"p-ada\",\"name\":\"" + NAME + "\",\"birthDate\":\"" + BORN
                                                + "\"}",
                                        "register-ada")
                                .body())
                        .as("a repeat with the same Idempotency-Key")
                        .isEqualTo(registered.body());
                assertThat(http.post(
                                        "/patients",
                                        "{\"patientId\":\"p-ada\",\"name\":\"Someone\",\"birthDate\":\"2000-01-01\"}")
                                .body()
                                .path("error")
                                .asText())
                        .isEqualTo("patient.already-exists");
                http.post(
                        "/patients",
                        "{\"patientId\":\"p-grace\",\"name\":\"" + OTHER + "\",\"birthDate\":\"1906-12-09\"}");
                http.post("/inventory/aspirin/receive", "{\"quantity\":100}", "stock-1");
                for (int i = 1; i <= 10; i++) {
                    http.post("/prescriptions", order("rx-ada-" + i, "p-ada", "aspirin", 4, 0), "order-ada-" + i);
                }
                http.post("/prescriptions/rx-ada-1/verify", "{\"pharmacistId\":\"ana\"}", "verify-ada-1");
                http.post("/prescriptions/rx-ada-1/dispense", "{\"quantity\":2}", "dispense-ada-1");
                http.await("/patients/p-ada/prescriptions", r -> r.body().size() == 10);
                try (Connection nc = server.connect()) {
                    wrappedKey = new ObjectMapper()
                            .readTree(nc.keyValue("pharmacy-personal-keys")
                                    .get(NatsDataKeys.kvKey("p-ada"))
                                    .getValue())
                            .path("key")
                            .asText();
                    String stream = TestMode.streamOf(nc, "patient", "p-ada").orElseThrow(); // its shard's
                    assertThat(nc.keyValue(TestMode.snapshotBucket(stream)).get("patient.p-ada"))
                            .as("the patient's snapshot")
                            .isNotNull();
                }
                assertNowhere(server.storeDir(), jdbc, "before erasure");
                assertThat(StoredBytes.filesContaining(server.storeDir(), wrappedKey))
                        .as("the search finds what is there")
                        .isNotEmpty();

                Reply erased = http.delete("/patients/p-ada/personal-data");
                assertThat(erased.status()).isEqualTo(200);
                assertThat(erased.body().path("erased").asBoolean()).isTrue();
                assertThat(http.delete("/patients/p-ada/personal-data").body())
                        .as("a repeated erasure")
                        .isEqualTo(erased.body());
                assertErased(http);
                assertThat(StoredBytes.filesContaining(server.storeDir(), wrappedKey))
                        .as("the data key in the storage directory after erasure")
                        .isEmpty();
                assertNowhere(server.storeDir(), jdbc, "after erasure");
            }
            server.stop();
            server.start();
            try (PharmacyApp app = PharmacyApp.start(settings)) {
                assertErased(new HttpClientForTests(app.url()));
            }
            assertThat(StoredBytes.filesContaining(server.storeDir(), wrappedKey))
                    .isEmpty();
            assertNowhere(server.storeDir(), jdbc, "after restarts");
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("pharmacy listening on");
        }
    }

    private static void assertErased(HttpClientForTests http) {
        Reply ada = http.get("/patients/p-ada");
        assertThat(ada.status()).isEqualTo(200);
        assertThat(ada.body().toString()).isEqualTo("{\"patientId\":\"p-ada\",\"erased\":true}");
        Reply rx = http.get("/prescriptions/rx-ada-1");
        assertThat(rx.status()).isEqualTo(200);
        assertThat(rx.body().path("patientId").asText()).isEqualTo("p-ada");
        assertThat(http.get("/prescriptions/rx-ada-1/events").body()).hasSize(3);
        assertThat(http.get("/patients/p-ada/prescriptions").body()).hasSize(10);
        JsonNode grace = http.get("/patients/p-grace").body();
        assertThat(grace.path("name").asText()).isEqualTo(OTHER);
        assertThat(grace.path("erased").asBoolean()).isFalse();
        assertThat(http.get("/patients/p-nobody").status()).isEqualTo(404);
    }

    /** Neither the name nor the birth date, in any encoding the code uses, in NATS, the log or the read model. */
    private void assertNowhere(Path storeDir, String jdbc, String when) throws Exception {
        List<String> needles = new ArrayList<>();
        for (String secret : List.of(NAME, "Lovelace", BORN)) {
            needles.add(secret);
            needles.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            needles.add(Base64.getEncoder().encodeToString(("\"" + secret + "\"").getBytes(StandardCharsets.UTF_8)));
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        for (String needle : needles) {
            assertThat(StoredBytes.filesContaining(storeDir, needle))
                    .as(when + ": '" + needle + "' in the nats-server storage")
                    .isEmpty();
            assertThat(log).as(when + ": the app's log").doesNotContain(needle);
        }
        try (var c = DriverManager.getConnection(jdbc, PostgresServer.USER, "")) {
            DatabaseMetaData meta = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet t = meta.getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (t.next()) {
                    tables.add(t.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).as("the read model's tables").isNotEmpty();
            for (String table : tables) {
                try (Statement s = c.createStatement();
                        ResultSet rows = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String value = String.valueOf(rows.getObject(i));
                            for (String needle : needles) {
                                assertThat(value)
                                        .as(when + ": " + table + " column " + i)
                                        .doesNotContain(needle);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Writes to the original stream (so the test's output stays visible) and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
