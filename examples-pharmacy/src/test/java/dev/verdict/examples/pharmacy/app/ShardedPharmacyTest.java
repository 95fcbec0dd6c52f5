package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ShardPlacement;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pharmacy with {@code STORE_SHARDS=4}, in any test mode: each prescription stored on its drug's shard (a
 * dispense is one atomic decision there), an id taken for another drug refused, the read model answering from every
 * shard, an invalid setting refused at start.
 */
class ShardedPharmacyTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String[] DRUGS = {"aspirin", "amoxicillin", "ibuprofen", "paracetamol", "codeine", "morphine"};

    @TempDir
    static Path data;

    static String shardsBefore;
    static PharmacyApp app;
    static HttpClientForTests http;

    @BeforeAll
    static void start() {
        shardsBefore = System.getProperty(StoreShards.SETTING);
        System.setProperty(StoreShards.SETTING, "4");
        app = PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data));
        http = new HttpClientForTests(app.url());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (shardsBefore == null) {
            System.clearProperty(StoreShards.SETTING);
        } else {
            System.setProperty(StoreShards.SETTING, shardsBefore);
        }
    }

    @Test
    void eachPrescriptionIsStoredOnItsDrugsShardAndDispensedInOneDecisionThere() throws Exception {
        Set<Integer> shardsUsed = new HashSet<>();
        for (String drug : DRUGS) {
            String rx = "rx-on-" + drug;
            assertThat(http.post("/inventory/" + drug + "/receive", "{\"quantity\":20}")
                            .status())
                    .isEqualTo(200);
            assertThat(http.post("/prescriptions", order(rx, "patient-shards", drug, 5, 0))
                            .status())
                    .isEqualTo(201);
            assertThat(http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}")
                            .status())
                    .isEqualTo(200);
            Reply dispensed = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":2}");
            assertThat(dispensed.status()).as(dispensed.raw()).isEqualTo(200);
            assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt())
                    .isEqualTo(18);

            try (Connection nc = Nats.connect(NATS.server().url())) {
                int stock = shardHolding(nc, "inventory", drug);
                assertThat(shardHolding(nc, "prescription", rx))
                        .as("the prescription is on its drug's shard")
                        .isEqualTo(stock)
                        .isEqualTo(ShardPlacement.byEntity().shardOf(EntityRef.of("inventory", drug), 4));
                shardsUsed.add(stock);
            }
        }
        assertThat(shardsUsed).as("the drugs are spread over several shards").hasSizeGreaterThan(1);
        try (Connection nc = Nats.connect(NATS.server().url())) {
            assertThatThrownBy(() -> nc.jetStreamManagement().getStreamInfo("pharmacy"))
                    .as("no plain stream beside the shards")
                    .isInstanceOf(JetStreamApiException.class);
        }
    }

    @Test
    void theReadModelAnswersFromEveryShard() {
        for (String drug : DRUGS) {
            assertThat(http.post("/prescriptions", order("rx-read-" + drug, "patient-read", drug, 3, 0))
                            .status())
                    .isEqualTo(201);
        }
        Reply prescriptions =
                http.await("/patients/patient-read/prescriptions", r -> r.body().size() == DRUGS.length);
        assertThat(prescriptions.body()).hasSize(DRUGS.length);
        assertThat(prescriptions.body().get(0).path("prescriptionId").asText())
                .as("ordered by id across the shards")
                .isEqualTo("rx-read-amoxicillin");
        Reply patients = http.await(
                "/patients",
                r -> r.body().findValues("patientId").stream()
                        .anyMatch(p -> p.asText().equals("patient-read")));
        for (var patient : patients.body()) {
            if (patient.path("patientId").asText().equals("patient-read")) {
                assertThat(patient.path("prescriptions").asInt()).isEqualTo(DRUGS.length);
            }
        }
    }

    @Test
    void anOrderOfAnIdRecordedForAnotherDrugIsRefusedAndTheFirstDrugStillWorks() throws Exception {
        try (Connection nc = Nats.connect(NATS.server().url())) {
            // an earlier order recorded the id's placement, and its prescription was never stored
            nc.keyValue("pharmacy-placements").create("rx-taken", "morphine".getBytes(StandardCharsets.UTF_8));
        }
        Reply other = http.post("/prescriptions", order("rx-taken", "patient-taken", "aspirin", 5, 0));
        assertThat(other.status()).as(other.raw()).isEqualTo(409);
        assertThat(other.error()).isEqualTo("prescription.id-taken");
        assertThat(http.get("/prescriptions/rx-taken").status()).isEqualTo(404);

        assertThat(http.post("/prescriptions", order("rx-taken", "patient-taken", "morphine", 5, 0))
                        .status())
                .as("a retry with the drug first recorded")
                .isEqualTo(201);
        Reply again = http.post("/prescriptions", order("rx-taken", "patient-taken", "aspirin", 5, 0));
        assertThat(again.error())
                .as("an existing prescription refuses the order by its own rules")
                .isEqualTo("prescription.already-exists");
    }

    @Test
    void theLiveEventsReadEveryShardAndResumeEachWhereTheClientWas() throws Exception {
        // two drugs on different shards
        String first = DRUGS[0];
        String second = java.util.Arrays.stream(DRUGS)
                .filter(d -> shardOf(d) != shardOf(first))
                .findFirst()
                .orElseThrow();
        java.net.http.HttpClient raw = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.io.InputStream> stream = raw.send(
                java.net.http.HttpRequest.newBuilder(app.url().resolve("/events/stream"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        String firstId;
        try (java.io.BufferedReader lines =
                new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(http.post("/prescriptions", order("rx-live-a", "patient-live", first, 2, 0))
                            .status())
                    .isEqualTo(201);
            assertThat(http.post("/prescriptions", order("rx-live-b", "patient-live", second, 2, 0))
                            .status())
                    .isEqualTo(201);
            String[] a = nextEvent(lines);
            String[] b = nextEvent(lines);
            assertThat(a[1]).contains("rx-live-a");
            assertThat(b[1]).contains("rx-live-b");
            firstId = a[0];
            assertThat(firstId.split("-"))
                    .as("the position in every shard: " + firstId)
                    .hasSize(4);
        }
        // reconnecting after the first event: the second, from the other shard, comes again
        stream = raw.send(
                java.net.http.HttpRequest.newBuilder(app.url().resolve("/events/stream"))
                        .header("Last-Event-ID", firstId)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.BufferedReader lines =
                new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            // later events on both shards: a stream that did not resume shows only these (and never hangs the test);
            // across shards nothing is ordered, but the second shard's events come in order: b before d
            assertThat(http.post("/prescriptions", order("rx-live-c", "patient-live", first, 2, 0))
                            .status())
                    .isEqualTo(201);
            assertThat(http.post("/prescriptions", order("rx-live-d", "patient-live", second, 2, 0))
                            .status())
                    .isEqualTo(201);
            String two = nextEvent(lines)[1] + nextEvent(lines)[1];
            assertThat(two).contains("rx-live-b");
        }
    }

    private static int shardOf(String drug) {
        return ShardPlacement.byEntity().shardOf(EntityRef.of("inventory", drug), 4);
    }

    /** The next SSE event's id and data. */
    private static String[] nextEvent(java.io.BufferedReader lines) throws Exception {
        String id = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                return new String[] {id, line.substring(5)};
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void refusesAnInvalidShardCountAtStart(@TempDir Path other) {
        System.setProperty(StoreShards.SETTING, "65");
        try {
            assertThatThrownBy(() -> PharmacyApp.start(
                            PharmacySettings.forTest(NATS.server().url(), other)))
                    .hasMessageContaining("STORE_SHARDS must be a number from 1")
                    .hasMessageContaining("was '65'");
        } finally {
            System.setProperty(StoreShards.SETTING, "4");
        }
    }

    /** The shard whose stream holds the entity's events. */
    private static int shardHolding(Connection nc, String category, String id) throws Exception {
        Optional<Integer> found = Optional.empty();
        for (int k = 0; k < 4; k++) {
            try {
                nc.jetStreamManagement().getLastMessage("pharmacy-" + k, "pharmacy-" + k + "." + category + "." + id);
                assertThat(found).as(category + "/" + id + " on one shard only").isEmpty();
                found = Optional.of(k);
            } catch (JetStreamApiException notHere) {
                // not on shard k
            }
        }
        return found.orElseThrow(() -> new AssertionError(category + "/" + id + " is on no shard"));
    }
}
