package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.projection.DeadLetterStore;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.RetryPolicy;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.history.HistoryReplay;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool run as a separate process against a real nats-server holding the pharmacy's captured history (replayed
 * through the test kit), a running projection with dead letters, and a user that may only read.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCliTest {
    /** What docs/operations.md documents for a read-only operator: keep the two in step. */
    static final String READER_PERMISSIONS = "publish: { allow: [\"$JS.API.INFO\", \"$JS.API.STREAM.LIST\","
            + " \"$JS.API.STREAM.NAMES\", \"$JS.API.STREAM.INFO.>\", \"$JS.API.DIRECT.GET.>\","
            + " \"$JS.API.STREAM.MSG.GET.>\", \"$JS.API.CONSUMER.LIST.>\", \"$JS.API.CONSUMER.INFO.>\","
            + " \"$JS.API.CONSUMER.CREATE.>\", \"$JS.API.CONSUMER.DELETE.>\", \"$JS.API.CONSUMER.MSG.NEXT.>\"] },"
            + " subscribe: { allow: [\"_INBOX.>\"] }";

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNodeWithConfig(
            "authorization {",
            "  users: [",
            "    { user: admin, password: admin-secret }",
            "    { user: reader, password: reader-secret, permissions: { " + READER_PERMISSIONS + " } }",
            "  ]",
            "}");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECTION = "prescription-list";
    private static HistoryCapture capture;
    private static Connection admin;
    private static ProjectionRunner<String> runner;
    private static List<Long> cancelled;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pharmacyHistory() throws Exception {
        capture = HistoryCapture.read(Path.of(System.getProperty("verdict.capture")));
        admin = Nats.connect(
                NATS.server().defaultOptions().userInfo("admin", "admin-secret").build());
        HistoryReplay.of(capture).into(admin);
        NatsEventStore.create(admin, NatsEventStoreConfig.of("pharmacy-east"));
        NatsSnapshotStore.create(admin, NatsEventStoreConfig.of("pharmacy-east"));
        // a projection of the prescriptions whose handler fails on the first two cancellations: dead letters
        cancelled = capture.messages().stream()
                .filter(m -> m.header("Verdict-Type").orElse("").equals("PrescriptionCancelled"))
                .map(CapturedMessage::sequence)
                .limit(2)
                .toList();
        runner = ProjectionRunner.builder(
                        admin,
                        SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
                        new TypeOnly(),
                        new FailingList())
                .retryPolicy(RetryPolicy.none())
                .build();
        runner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            ConsumerInfo c = consumer();
            if (c != null
                    && c.getNumPending() == 0
                    && c.getNumAckPending() == 0
                    && c.getAckFloor().getStreamSequence() == lastOf("prescription")) {
                break;
            }
            assertThat(System.nanoTime()).as("projection caught up").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The projection's consumer, or null until the runner created it. */
    private static ConsumerInfo consumer() throws Exception {
        try {
            return admin.jetStreamManagement().getConsumerInfo("pharmacy", "verdict-" + PROJECTION);
        } catch (JetStreamApiException e) {
            return null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    // --- stores ----------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void storesListsThePharmacyWithItsBuckets() throws Exception {
        CliProcess.Result human = verdict("stores");
        assertThat(human.exit()).as(human.toString()).isZero();
        String identity = identity();
        assertThat(human.out().lines().toList())
                .first()
                .asString()
                .startsWith("STORE")
                .contains("SUBJECTS", "ENTITIES", "EVENTS", "BYTES", "REPLICAS", "IDENTITY", "BUCKETS");
        List<String> rows = human.out().lines().skip(1).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .matches("pharmacy +pharmacy\\.> +" + entities() + " +" + events() + " +\\S+ \\S+ +1 +" + identity
                        + " +pharmacy-commands,pharmacy-snapshots,verdict-dead-letters");
        // another store whose name starts with the pharmacy's: its snapshot bucket is its own, not the pharmacy's
        assertThat(rows.get(1))
                .matches(
                        "pharmacy-east +pharmacy-east\\.> +0 +0 +0 B +1 +\\S+ +pharmacy-east-snapshots,verdict-dead-letters");

        JsonNode json = json(verdict("stores", "--json"));
        assertThat(json.path("stores")).hasSize(2);
        assertThat(json.path("stores").get(1).path("store").asText()).isEqualTo("pharmacy-east");
        JsonNode store = json.path("stores").get(0);
        assertThat(store.path("store").asText()).isEqualTo("pharmacy");
        assertThat(store.path("subjects").asText()).isEqualTo("pharmacy.>");
        assertThat(store.path("entities").asLong()).isEqualTo(entities());
        assertThat(store.path("events").asLong()).isEqualTo(events());
        assertThat(store.path("lastSequence").asLong())
                .isEqualTo(capture.messages().size());
        assertThat(store.path("replicas").asInt()).isEqualTo(1);
        assertThat(store.path("streamIdentity").asText()).isEqualTo(identity);
        assertThat(store.path("buckets").toString())
                .isEqualTo("[\"pharmacy-commands\",\"pharmacy-snapshots\",\"verdict-dead-letters\"]");
    }

    // --- history ---------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void historyShowsAnEntitysEventsInOrder() throws Exception {
        List<CapturedMessage> rx1 = messagesOf("pharmacy.prescription.rx-1");
        CliProcess.Result human = verdict("history", "pharmacy", "prescription", "rx-1");
        assertThat(human.exit()).as(human.toString()).isZero();
        List<String> lines = human.out().lines().toList();
        assertThat(lines.get(0)).startsWith("SEQ").contains("TYPE", "COMMAND", "PAYLOAD");
        assertThat(lines).hasSize(rx1.size() + 2);
        assertThat(lines.get(1))
                .startsWith(rx1.get(0).sequence() + " ")
                .contains(
                        "prescription",
                        "rx-1",
                        "PrescriptionOrdered",
                        rx1.get(0).header("Verdict-Command-Id").get())
                .contains("\"patientId\":\"pat-1\"");
        assertThat(lines.get(lines.size() - 1)).isEqualTo(rx1.size() + " event(s) of prescription/rx-1");

        JsonNode json = json(verdict("history", "pharmacy", "prescription", "rx-1", "--json"));
        assertThat(json.path("store").asText()).isEqualTo("pharmacy");
        assertThat(json.path("category").asText()).isEqualTo("prescription");
        assertThat(json.path("id").asText()).isEqualTo("rx-1");
        assertThat(json.path("asOf").isNull()).isTrue();
        JsonNode events = json.path("events");
        assertThat(events).hasSize(rx1.size());
        for (int i = 0; i < rx1.size(); i++) {
            CapturedMessage m = rx1.get(i);
            JsonNode e = events.get(i);
            assertThat(e.path("sequence").asLong()).isEqualTo(m.sequence());
            assertThat(e.path("type").asText())
                    .isEqualTo(m.header("Verdict-Type").get());
            assertThat(e.path("schemaVersion").asText())
                    .isEqualTo(m.header("Verdict-Schema-Version").get());
            assertThat(e.path("eventId").asText())
                    .isEqualTo(m.header("Verdict-Event-Id").get());
            assertThat(e.path("time").asText())
                    .isEqualTo(Instant.parse(m.header("Verdict-Time").get()).toString());
            assertThat(e.path("commandId").asText())
                    .isEqualTo(m.header("Verdict-Command-Id").get());
            assertThat(e.path("correlationId").asText())
                    .isEqualTo(m.header("Verdict-Correlation-Id")
                            .orElse(m.header("Verdict-Command-Id").get()));
            assertThat(e.path("metadata").path("traceparent").asText())
                    .isEqualTo(m.header("Verdict-Meta-traceparent").orElse(""));
            assertThat(e.path("payload")).isEqualTo(JSON.readTree(m.payload()));
        }
    }

    @Test
    @Order(3)
    void historyAsOfASequenceOrAnInstant() throws Exception {
        List<CapturedMessage> rx1 = messagesOf("pharmacy.prescription.rx-1");
        long second = rx1.get(1).sequence();
        JsonNode json = json(verdict("history", "pharmacy", "prescription", "rx-1", "--as-of", "" + second, "--json"));
        assertThat(json.path("asOf").asText()).isEqualTo("" + second);
        assertThat(json.path("events")).hasSize(2);
        assertThat(json.path("events").get(1).path("sequence").asLong()).isEqualTo(second);

        // the replay stored every event after the capture was taken: as of then, the entity had none yet
        String before = capture.header().capturedAt().toString();
        CliProcess.Result empty = verdict("history", "pharmacy", "prescription", "rx-1", "--as-of", before);
        assertThat(empty.exit()).as(empty.toString()).isZero();
        assertThat(empty.out()).endsWith("0 event(s) of prescription/rx-1 as of " + before + "\n");
    }

    // --- tail ------------------------------------------------------------------------------------------------

    @Test
    @Order(4)
    void tailFromASequenceAndLive() throws Exception {
        List<CapturedMessage> prescriptions = capture.messages().stream()
                .filter(m -> m.subject().startsWith("pharmacy.prescription."))
                .toList();
        long from = prescriptions.get(3).sequence();
        CliProcess.Result replayed = verdict(
                "tail", "pharmacy", "--category", "prescription", "--from", "" + from, "--count", "3", "--json");
        assertThat(replayed.exit()).as(replayed.toString()).isZero();
        List<String> lines = replayed.out().lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode e = JSON.readTree(lines.get(i));
            assertThat(e.path("sequence").asLong())
                    .isEqualTo(prescriptions.get(3 + i).sequence());
            assertThat(e.path("category").asText()).isEqualTo("prescription");
            assertThat(e.path("type").asText())
                    .isEqualTo(prescriptions.get(3 + i).header("Verdict-Type").get());
        }

        // live: a new event appended through the framework reaches a running tail
        Process live = CliProcess.start(env("admin"), "tail", "pharmacy", "--count", "1");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!CliProcess.errSoFar(live).contains("following pharmacy.>")) {
            assertThat(live.isAlive())
                    .as("tail is running: " + CliProcess.errSoFar(live))
                    .isTrue();
            assertThat(System.nanoTime()).as("tail started").isLessThan(deadline);
            Thread.sleep(50);
        }
        NatsEventStore store = NatsEventStore.create(admin, NatsEventStoreConfig.of("pharmacy"));
        long sequence = store.append(
                        EntityRef.of("inventory", "tail-test"),
                        0,
                        List.of(new EncodedEvent(
                                "StockReceived",
                                1,
                                "{\"drug\":\"tail-test\",\"quantity\":3}".getBytes(StandardCharsets.UTF_8))),
                        CommandContext.withCommandId("cmd-tail-test"))
                .sequences()
                .get(0);
        CliProcess.Result followed = CliProcess.finish(live);
        assertThat(followed.exit()).as(followed.toString()).isZero();
        assertThat(followed.out().lines().toList())
                .singleElement()
                .asString()
                .startsWith(sequence + "  ")
                .contains("inventory  tail-test  StockReceived  1  cmd-tail-test  =  -  {\"drug\":\"tail-test\"");
    }

    // --- projections and dead letters -----------------------------------------------------------------------

    @Test
    @Order(5)
    void projectionsShowTheConsumerItsPinAndDeadLetters() throws Exception {
        CliProcess.Result human = verdict("projections");
        assertThat(human.exit()).as(human.toString()).isZero();
        ConsumerInfo consumer = admin.jetStreamManagement().getConsumerInfo("pharmacy", "verdict-" + PROJECTION);
        String pin = consumer.getPriorityGroupStates().get(0).getPinnedClientId();
        assertThat(pin).isNotBlank();
        assertThat(human.out().lines().toList().get(0))
                .startsWith("STORE")
                .contains("PROJECTION", "MODE", "PARTITION", "PINNED", "CHECKPOINT", "LAG", "DEAD-LETTERS");
        assertThat(human.out().lines().skip(1).toList())
                .singleElement()
                .asString()
                .matches("pharmacy +prescription-list +shared +whole +" + pin + " +\\S+ +" + lastOf("prescription")
                        + " +0 +0 +0 +2");

        JsonNode p = json(verdict("projections", "pharmacy", "--json")).path("projections");
        assertThat(p).hasSize(1);
        assertThat(p.get(0).path("store").asText()).isEqualTo("pharmacy");
        assertThat(p.get(0).path("projection").asText()).isEqualTo(PROJECTION);
        assertThat(p.get(0).path("consumer").asText()).isEqualTo("verdict-" + PROJECTION);
        assertThat(p.get(0).path("mode").asText()).isEqualTo("shared");
        assertThat(p.get(0).path("partition").asText()).isEqualTo("whole");
        assertThat(p.get(0).path("pinnedId").asText()).isEqualTo(pin);
        assertThat(p.get(0).path("checkpoint").asLong()).isEqualTo(lastOf("prescription"));
        assertThat(p.get(0).path("lag").asLong()).isZero();
        assertThat(p.get(0).path("deadLetters").asLong()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void deadLettersListAndShow() throws Exception {
        CliProcess.Result human = verdict("dead-letters", "list", "pharmacy");
        assertThat(human.exit()).as(human.toString()).isZero();
        assertThat(human.out().lines().skip(1).toList())
                .hasSize(2)
                .allMatch(l -> l.matches("pharmacy +prescription-list +\\d+ +pharmacy\\.prescription\\.rx-\\d+"
                        + " +PrescriptionCancelled +HANDLER_FAILED +1 +\\S+ +.*cancellations are not supported.*"));

        JsonNode list = json(verdict("dead-letters", "list", "--projection", PROJECTION, "--json"));
        assertThat(list.path("deadLetters")).hasSize(2);
        List<Long> sequences = new ArrayList<>();
        list.path("deadLetters").forEach(l -> sequences.add(l.path("sequence").asLong()));
        assertThat(sequences).isEqualTo(cancelled);
        JsonNode first = list.path("deadLetters").get(0);
        assertThat(first.path("store").asText()).isEqualTo("pharmacy");
        assertThat(first.path("projection").asText()).isEqualTo(PROJECTION);
        assertThat(first.path("eventType").asText()).isEqualTo("PrescriptionCancelled");
        assertThat(first.path("reason").asText()).isEqualTo("HANDLER_FAILED");
        assertThat(first.path("attempts").asInt()).isEqualTo(1);

        JsonNode shown = json(verdict("dead-letters", "show", "pharmacy", PROJECTION, "" + cancelled.get(0), "--json"));
        assertThat(shown.path("sequence").asLong()).isEqualTo(cancelled.get(0));
        assertThat(shown.path("detail").asText()).contains("cancellations are not supported");
        assertThat(shown.path("event").path("sequence").asLong()).isEqualTo(cancelled.get(0));
        assertThat(shown.path("event").path("type").asText()).isEqualTo("PrescriptionCancelled");
        assertThat(shown.path("event").path("subject").isMissingNode()).isTrue();
        assertThat(shown.path("event").path("id").asText())
                .isEqualTo(first.path("subject").asText().substring(22));

        CliProcess.Result missing = verdict("dead-letters", "show", "pharmacy", PROJECTION, "1");
        assertOneLine(missing, Verdict.NOT_FOUND, "no dead letter of projection 'prescription-list' at pharmacy#1");
    }

    // --- command ---------------------------------------------------------------------------------------------

    @Test
    @Order(7)
    void commandShowsTheIndexRecordAndItsEvents() throws Exception {
        CapturedMessage ordered = messagesOf("pharmacy.prescription.rx-1").get(0);
        String commandId = ordered.header("Verdict-Command-Id").get();
        JsonNode json = json(verdict("command", "pharmacy", commandId, "--json"));
        assertThat(json.path("commandId").asText()).isEqualTo(commandId);
        assertThat(json.path("category").asText()).isEqualTo("prescription");
        assertThat(json.path("id").asText()).isEqualTo("rx-1");
        assertThat(json.path("outcome").asText()).isEqualTo("appended");
        assertThat(json.path("firstSequence").asLong()).isEqualTo(ordered.sequence());
        assertThat(json.path("lastSequence").asLong()).isEqualTo(ordered.sequence());
        // the replay made a new stream: the record names the captured one
        assertThat(json.path("streamIdentity").asText())
                .isEqualTo(capture.header().streamIdentity());
        assertThat(json.path("sameStream").asBoolean()).isFalse();
        assertThat(json.path("events")).hasSize(1);
        assertThat(json.path("events").get(0).path("type").asText()).isEqualTo("PrescriptionOrdered");
        assertThat(json.path("at").asText()).isNotBlank();

        CliProcess.Result human = verdict("command", "pharmacy", commandId);
        assertThat(human.exit()).as(human.toString()).isZero();
        assertThat(human.out())
                .contains("outcome         appended")
                .contains("id              rx-1")
                .contains("PrescriptionOrdered");

        assertOneLine(
                verdict("command", "pharmacy", "no-such-command"),
                Verdict.NOT_FOUND,
                "command 'no-such-command' is not in the command index of store 'pharmacy'");
    }

    // --- export ----------------------------------------------------------------------------------------------

    @Test
    @Order(8)
    void exportWritesTheCaptureFormat() throws Exception {
        Path file = dir.resolve("prescriptions.jsonl");
        CliProcess.Result run = verdict(
                "export", "pharmacy", "--category", "prescription", "--to", file.toString(), "--json", "--progress");
        JsonNode summary = json(run);
        assertThat(run.err()).contains("\r[" + "#".repeat(30) + "] 100% sequence " + events() + " of " + events());
        List<CapturedMessage> prescriptions = capture.messages().stream()
                .filter(m -> m.subject().startsWith("pharmacy.prescription."))
                .toList();
        assertThat(summary.path("events").asLong()).isEqualTo(prescriptions.size());
        assertThat(summary.path("file").asText()).isEqualTo(file.toString());
        HistoryCapture exported = HistoryCapture.read(file);
        assertThat(exported.header().stream()).isEqualTo("pharmacy");
        assertThat(exported.header().streamIdentity()).isEqualTo(identity());
        assertThat(exported.messages()).hasSize(prescriptions.size());
        for (int i = 0; i < prescriptions.size(); i++) {
            CapturedMessage want = prescriptions.get(i);
            CapturedMessage got = exported.messages().get(i);
            assertThat(got.sequence()).isEqualTo(want.sequence());
            assertThat(got.subject()).isEqualTo(want.subject());
            assertThat(got.headers()).isEqualTo(want.headers());
            assertThat(got.payload()).isEqualTo(want.payload());
        }
        assertThat(summary.path("entities").asLong())
                .isEqualTo(prescriptions.stream()
                        .map(CapturedMessage::subject)
                        .distinct()
                        .count());

        // an existing file is not overwritten unless the operator says so
        long size = Files.size(file);
        CliProcess.Result refused = verdict("export", "pharmacy", "--category", "inventory", "--to", file.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(refused.err()).contains("Overwrite " + file + "? [y/N]", "nothing written");
        assertThat(Files.size(file)).isEqualTo(size);

        CliProcess.Result human = verdict(
                "export", "pharmacy", "--category", "inventory", "--since", "10", "--to", file.toString(), "--yes");
        assertThat(human.exit()).as(human.toString()).isZero();
        long inventory = capture.messages().stream()
                .filter(m -> m.subject().startsWith("pharmacy.inventory.") && m.sequence() >= 10)
                .count();
        assertThat(human.out()).startsWith("exported " + (inventory + 1) + " event(s) of ");
        assertThat(human.err()).doesNotContain("%"); // no terminal, no progress bar unless asked for
        assertThat(HistoryCapture.read(file).messages()).hasSize((int) inventory + 1); // + tail-test's event
    }

    // --- read-only user --------------------------------------------------------------------------------------

    @Test
    @Order(9)
    void theReadCommandsNeedOnlyReadPermissions() throws Exception {
        String rx1 = messagesOf("pharmacy.prescription.rx-1")
                .get(0)
                .header("Verdict-Command-Id")
                .get();
        JsonNode stores = json(read("stores", "--json"));
        assertThat(stores.path("stores").get(0).path("events").asLong()).isEqualTo(events());
        JsonNode history = json(read("history", "pharmacy", "prescription", "rx-7", "--json"));
        assertThat(history.path("events"))
                .hasSize(messagesOf("pharmacy.prescription.rx-7").size());
        JsonNode projections = json(read("projections", "--json"));
        assertThat(projections.path("projections").get(0).path("deadLetters").asLong())
                .isEqualTo(2);
        JsonNode letters = json(read("dead-letters", "list", "--json"));
        assertThat(letters.path("deadLetters")).hasSize(2);
        JsonNode shown = json(read("dead-letters", "show", "pharmacy", PROJECTION, "" + cancelled.get(1), "--json"));
        assertThat(shown.path("event").path("type").asText()).isEqualTo("PrescriptionCancelled");
        JsonNode command = json(read("command", "pharmacy", rx1, "--json"));
        assertThat(command.path("outcome").asText()).isEqualTo("appended");
        CliProcess.Result tail =
                CliProcess.run(env("reader"), "", "tail", "pharmacy", "--from", "1", "--count", "2", "--json");
        assertThat(tail.exit()).as(tail.toString()).isZero();
        assertThat(tail.out().lines()).hasSize(2);
        Path file = dir.resolve("reader.jsonl");
        CliProcess.Result export = CliProcess.run(env("reader"), "", "export", "pharmacy", "--to", file.toString());
        assertThat(export.exit()).as(export.toString()).isZero();
        assertThat(HistoryCapture.read(file).messages()).hasSize((int) events());
    }

    @Test
    @Order(10)
    void skipAsksAndNeedsWritePermission() throws Exception {
        long sequence = cancelled.get(1);
        String seq = "" + sequence;
        DeadLetterStore letters = DeadLetterStore.open(admin, DeadLetterStore.DEFAULT_BUCKET, 1);

        CliProcess.Result declined =
                CliProcess.run(env("admin"), "n\n", "dead-letters", "skip", "pharmacy", PROJECTION, seq);
        assertThat(declined.exit()).as(declined.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(declined.err())
                .contains("Remove the dead letter of projection 'prescription-list' at pharmacy#" + seq);
        assertThat(letters.find("pharmacy", PROJECTION, sequence)).isPresent();

        CliProcess.Result refused =
                CliProcess.run(env("reader"), "", "dead-letters", "skip", "pharmacy", PROJECTION, seq, "--yes");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Verdict.UNREACHABLE);
        assertThat(refused.err().strip()).doesNotContain("\n").contains("Permissions Violation");
        assertThat(letters.find("pharmacy", PROJECTION, sequence)).isPresent();

        CliProcess.Result skipped =
                CliProcess.run(env("admin"), "y\n", "dead-letters", "skip", "pharmacy", PROJECTION, seq);
        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.out())
                .startsWith("removed the dead letter of projection 'prescription-list' at pharmacy#" + seq
                        + " (PrescriptionCancelled on pharmacy.prescription.");
        assertThat(letters.find("pharmacy", PROJECTION, sequence)).isEmpty();
        assertThat(letters.find("pharmacy", PROJECTION, cancelled.get(0))).isPresent();
    }

    // --- failures: one line and an exit code -----------------------------------------------------------------

    @Test
    @Order(11)
    void wrongUsageNotFoundAndUnreachableAreOneLineWithTheirExitCodes() throws Exception {
        assertOneLine(verdict("history", "pharmacy", "prescription"), Verdict.USAGE, "Missing required parameter");
        assertOneLine(verdict("frobnicate"), Verdict.USAGE, "Unmatched argument");
        assertOneLine(verdict(), Verdict.USAGE, "Missing command");
        assertOneLine(verdict("dead-letters"), Verdict.USAGE, "Missing command: list, show or skip");
        assertOneLine(
                verdict("history", "pharmacy", "prescription", "rx-1", "--as-of", "yesterday"),
                Verdict.USAGE,
                "--as-of takes a stream sequence or an ISO-8601 instant");
        assertOneLine(verdict("history", "pharmacy", "prescription", "rx 1"), Verdict.USAGE, "rx 1");
        assertOneLine(
                verdict("history", "nosuchstore", "prescription", "rx-1"),
                Verdict.NOT_FOUND,
                "no store 'nosuchstore' on the server");
        assertOneLine(
                verdict("history", "pharmacy", "prescription", "rx-404"),
                Verdict.NOT_FOUND,
                "no events of prescription/rx-404 in store 'pharmacy'");
        assertOneLine(
                verdict("dead-letters", "list", "KV_pharmacy-commands"),
                Verdict.NOT_FOUND,
                "'KV_pharmacy-commands' is not a Verdict store");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliProcess.Result unreachable =
                CliProcess.run(Map.of(), "", "stores", "--server", "nats://admin:top-secret@127.0.0.1:" + closed);
        assertOneLine(unreachable, Verdict.UNREACHABLE, "cannot connect to nats://admin:***@127.0.0.1:" + closed);
        assertThat(unreachable.err()).doesNotContain("top-secret");
        assertThat(unreachable.millis()).isLessThan(10_000);

        Map<String, String> wrongPassword = new HashMap<>(env("admin"));
        wrongPassword.put("NATS_PASSWORD", "wrong-secret");
        CliProcess.Result refused = CliProcess.run(wrongPassword, "", "stores");
        assertOneLine(refused, Verdict.UNREACHABLE, "refused the connection");
        assertThat(refused.err()).doesNotContain("wrong-secret");

        CliProcess.Result help = verdict("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains("stores", "history", "tail", "projections", "dead-letters", "command", "export");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertOneLine(CliProcess.Result r, int exit, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.err().strip())
                .as(r.toString())
                .doesNotContain("\n")
                .startsWith("verdict: ")
                .contains(message);
        assertThat(r.out()).as(r.toString()).isEmpty();
    }

    private static CliProcess.Result read(String... args) throws Exception {
        return CliProcess.run(env("reader"), "", args);
    }

    private static CliProcess.Result verdict(String... args) throws Exception {
        return CliProcess.run(env("admin"), "", args);
    }

    private static Map<String, String> env(String user) {
        return Map.of("NATS_URL", NATS.server().url(), "NATS_USER", user, "NATS_PASSWORD", user + "-secret");
    }

    private static JsonNode json(CliProcess.Result r) throws Exception {
        assertThat(r.exit()).as(r.toString()).isZero();
        return JSON.readTree(r.out());
    }

    private static List<CapturedMessage> messagesOf(String subject) {
        return capture.messages().stream()
                .filter(m -> m.subject().equals(subject))
                .toList();
    }

    private static long lastOf(String category) {
        return capture.messages().stream()
                .filter(m -> m.subject().startsWith("pharmacy." + category + "."))
                .mapToLong(CapturedMessage::sequence)
                .max()
                .orElseThrow();
    }

    private static long entities() throws Exception {
        return admin.jetStreamManagement()
                .getStreamInfo("pharmacy")
                .getStreamState()
                .getSubjectCount();
    }

    private static long events() throws Exception {
        return admin.jetStreamManagement()
                .getStreamInfo("pharmacy")
                .getStreamState()
                .getMsgCount();
    }

    private static String identity() {
        return NatsEventStore.create(admin, NatsEventStoreConfig.of("pharmacy")).streamIdentity();
    }

    /** Decodes nothing but the type: the CLI's output does not depend on the application's codecs. */
    private static final class TypeOnly implements EventCodec<String> {
        @Override
        public EncodedEvent encode(String event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(EncodedEvent encoded) {
            return encoded.type();
        }
    }

    /** A prescription list whose handler cannot handle cancellations. */
    private static final class FailingList implements Projection<String> {
        final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return PROJECTION;
        }

        @Override
        public OptionalLong checkpoint() {
            return OptionalLong.empty();
        }

        @Override
        public void apply(DeliveredEvent<String> event) {
            if (event.event().equals("PrescriptionCancelled") && cancelled.contains(event.sequence())) {
                throw new IllegalStateException("cancellations are not supported yet");
            }
            seen.add(event.recorded().entity().id().value());
        }

        @Override
        public void reset() {
            seen.clear();
        }
    }
}
