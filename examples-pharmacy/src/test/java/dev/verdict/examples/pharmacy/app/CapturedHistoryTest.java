package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.runtime.Registration;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.testing.history.HistoryCheck;
import dev.verdict.testing.history.HistoryReplay;
import dev.verdict.testing.nats.NatsServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history the previous release stored is read by this one: a capture of the pharmacy's stream recorded from
 * release 4d81536 by {@code scripts/record-history} (every event type of both categories, the process manager's
 * reorder, snapshots), with the answers that release's HTTP API gave.
 */
class CapturedHistoryTest {
    static final String RELEASE = "release-4d81536";

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path data;

    @Test
    void todaysCodecsAndDecidersReadTheReleasesHistory() throws Exception {
        PharmacyConfiguration app = new PharmacyConfiguration();
        Registration<PrescriptionCommand, Prescription, PrescriptionEvent> prescription = app.prescription();
        Registration<InventoryCommand, Inventory, InventoryEvent> inventory = app.inventory();
        HistoryCapture capture = HistoryCapture.read(resource(RELEASE + ".jsonl"));

        int checked = HistoryCheck.of(capture)
                .category(prescription)
                .category(inventory)
                .verify();

        assertThat(checked).isEqualTo(capture.messages().size());
        assertThat(capture.messages().stream().map(m -> m.header("Verdict-Type").orElseThrow()))
                .as("the capture covers every event type of both categories")
                .contains(
                        "PrescriptionOrdered",
                        "PrescriptionVerified",
                        "DrugDispensed",
                        "PrescriptionRefilled",
                        "PrescriptionCancelled",
                        "PrescriptionCompleted",
                        "StockReceived",
                        "StockReserved",
                        "ReservationReleased",
                        "StockDeducted",
                        "ReorderRequested",
                        "StockDispensed");
    }

    @Test
    void todaysAppAnswersAsTheReleaseDidOnItsReplayedStream() throws Exception {
        assumeFalse(
                TestMode.shardedRouted(),
                "the release's history is one stream 'pharmacy': a sharded store refuses to open beside it");
        HistoryCapture capture = HistoryCapture.read(resource(RELEASE + ".jsonl"));
        HistoryReplay.of(capture).into(NATS.connection());
        List<JsonNode> answers = recordedAnswers();
        assertThat(answers).hasSizeGreaterThan(40);

        try (PharmacyApp app =
                PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data))) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            List<String> differences = new ArrayList<>();
            for (JsonNode answer : answers) {
                String path = pathOnTheReplay(answer);
                int status = answer.get("status").asInt();
                JsonNode body = withDocumentedChanges(path, answer.get("body"));
                // the read model (/patients...) is rebuilt from the replayed stream: wait for it
                Reply reply = path.startsWith("/patients")
                        ? http.await(path, r -> r.status() == status && body.equals(r.body()))
                        : http.get(path);
                if (reply.status() != status || !body.equals(reply.body())) {
                    differences.add("GET " + path + ": the release answered " + status + " " + body
                            + "\n    today answers " + reply.status() + " " + reply.body());
                }
            }
            assertThat(differences).as("answers that differ from the release's").isEmpty();
        }
    }

    /**
     * The release's answer as this release documents it (CHANGELOG.md): the only intended change of the HTTP contract
     * since the capture's release is that {@code GET /inventory/{drug}} no longer answers the field {@code reserved},
     * which was always 0. Everything else must be answered exactly as the release did.
     */
    private static JsonNode withDocumentedChanges(String path, JsonNode body) {
        if (path.startsWith("/inventory/")
                && body.isObject()
                && body.path("reserved").asInt(-1) == 0) {
            ObjectNode changed = ((ObjectNode) body).deepCopy();
            changed.remove("reserved");
            return changed;
        }
        return body;
    }

    /** The answer's path; an as-of instant recorded as "the stored time of sequence n" uses the replay's time of n. */
    private static String pathOnTheReplay(JsonNode answer) throws Exception {
        String path = answer.get("path").asText();
        if (!answer.has("asOfStoredAtOf")) {
            return path;
        }
        long sequence = answer.get("asOfStoredAtOf").asLong();
        String storedAt = NATS.connection()
                .jetStreamManagement()
                .getMessage("pharmacy", sequence)
                .getTime()
                .toInstant()
                .toString();
        return path.substring(0, path.indexOf("asOf=") + "asOf=".length()) + storedAt;
    }

    private static List<JsonNode> recordedAnswers() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> answers = new ArrayList<>();
        for (String line : Files.readAllLines(resource(RELEASE + ".answers.jsonl"))) {
            if (!line.isBlank()) {
                answers.add(json.readTree(line));
            }
        }
        return answers;
    }

    /** A file of {@code src/test/resources/history}. */
    private static Path resource(String name) throws Exception {
        return Path.of(CapturedHistoryTest.class.getResource("/history/" + name).toURI());
    }
}
