package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.api.ConsumerInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tool run as a separate process against a real nats-server holding the pharmacy's captured history: each
 * command's human and {@code --json} output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCliTest extends PharmacyCliTestBase {
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
}
