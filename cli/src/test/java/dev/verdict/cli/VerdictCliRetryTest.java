package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.store.nats.NatsDeadLetters;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code verdict dead-letters retry} as a separate process against the running projection of {@link
 * PharmacyCliTestBase}: a retry while the handler still fails keeps the dead letter (attempts grow, exit 1 with the
 * error); after the fix it is applied once and the dead letter removed; with no instance running the request waits
 * (pending) until one starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCliRetryTest extends PharmacyCliTestBase {

    static NatsDeadLetters letters() {
        return NatsDeadLetters.open(admin, NatsDeadLetters.DEFAULT_BUCKET, 1);
    }

    @Test
    @Order(1)
    void aRetryThatFailsAgainKeepsTheDeadLetterWithMoreAttempts() throws Exception {
        String seq = "" + cancelled.get(0);
        CliProcess.Result declined =
                CliProcess.run(env("admin"), "n\n", "dead-letters", "retry", "pharmacy", PROJECTION, seq);
        assertThat(declined.exit()).as(declined.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(declined.err())
                .contains("Apply the event of the dead letter of projection 'prescription-list' at pharmacy#" + seq)
                .contains("verdict: nothing requested");
        assertThat(letters()
                        .retryState("pharmacy", PROJECTION, cancelled.get(0))
                        .orElseThrow()
                        .requestId())
                .isEmpty();

        CliProcess.Result refused = read("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes", "--wait", "5s");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Verdict.UNREACHABLE);
        assertThat(refused.err().strip()).doesNotContain("\n").contains("Permissions Violation");

        CliProcess.Result failed =
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes", "--wait", "10s");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(failed.err().strip())
                .doesNotContain("\n")
                .startsWith(
                        "verdict: the retry of the dead letter of projection 'prescription-list' at pharmacy#" + seq)
                .contains("failed again (attempts 2): IllegalStateException: cancellations are not supported yet");
        JsonNode shown = json(verdict("dead-letters", "show", "pharmacy", PROJECTION, seq, "--json"));
        assertThat(shown.path("attempts").asInt()).isEqualTo(2);

        CliProcess.Result again =
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes", "--wait", "10s", "--json");
        assertThat(again.exit()).as(again.toString()).isEqualTo(Verdict.NOT_FOUND);
        JsonNode o = JSON.readTree(again.out());
        assertThat(o.path("retry").path("status").asText()).isEqualTo("failed");
        assertThat(o.path("attempts").asInt()).isEqualTo(3);
        assertThat(o.path("sequence").asLong()).isEqualTo(cancelled.get(0));
        assertThat(cancellationsApplied).isEmpty();
    }

    @Test
    @Order(2)
    void afterTheFixARetryAppliesTheEventOnceAndRemovesTheDeadLetter() throws Exception {
        cancellationsFixed = true;
        String seq = "" + cancelled.get(0);
        CliProcess.Result applied =
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes", "--wait", "10s", "--json");
        JsonNode o = json(applied);
        assertThat(o.path("retry").path("status").asText()).isEqualTo("applied");
        assertThat(o.path("retry").path("id").asText()).isNotBlank();
        assertThat(cancellationsApplied).containsExactly(java.util.Map.entry(cancelled.get(0), 1));
        assertThat(letters().find("pharmacy", PROJECTION, cancelled.get(0))).isEmpty();
        assertThat(letters().find("pharmacy", PROJECTION, cancelled.get(1))).isPresent();

        assertOneLine(
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes"),
                Verdict.NOT_FOUND,
                "no dead letter of projection 'prescription-list' at pharmacy#" + seq);
        assertOneLine(
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--wait", "soon"),
                Verdict.USAGE,
                "'soon' is not a duration");
    }

    @Test
    @Order(3)
    void withNoInstanceRunningTheRequestWaitsUntilOneStarts() throws Exception {
        runner.stop();
        long sequence = cancelled.get(1);
        String seq = "" + sequence;
        CliProcess.Result requested = verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes");
        assertThat(requested.exit()).as(requested.toString()).isZero();
        assertThat(requested.out())
                .startsWith(
                        "requested a retry of the dead letter of projection 'prescription-list' at pharmacy#" + seq);

        CliProcess.Result pending =
                verdict("dead-letters", "retry", "pharmacy", PROJECTION, seq, "--yes", "--wait", "1s");
        assertThat(pending.exit()).as(pending.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(pending.err()).contains("is still pending after 1000 ms");
        assertThat(letters()
                        .retryState("pharmacy", PROJECTION, sequence)
                        .orElseThrow()
                        .requestId())
                .isPresent();
        assertThat(cancellationsApplied).doesNotContainKey(sequence);

        runner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (letters().find("pharmacy", PROJECTION, sequence).isPresent()) {
            assertThat(System.nanoTime()).as("the waiting request applied").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(cancellationsApplied.get(sequence)).isEqualTo(1);
    }
}
