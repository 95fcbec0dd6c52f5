package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.NatsDeadLetters;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tool as a user that may only read, a changing command that asks first, and failures: one line and an exit
 * code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCliAccessTest extends PharmacyCliTestBase {
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
        NatsDeadLetters letters = NatsDeadLetters.open(admin, NatsDeadLetters.DEFAULT_BUCKET, 1);

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
        assertOneLine(verdict("dead-letters"), Verdict.USAGE, "Missing command: list, show, retry or skip");
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
                .contains(
                        "stores",
                        "history",
                        "tail",
                        "projections",
                        "dead-letters",
                        "command",
                        "export",
                        "timers",
                        "erase");
    }
}
