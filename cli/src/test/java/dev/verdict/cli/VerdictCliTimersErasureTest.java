package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.store.TimerRef;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.store.personal.KeyEncryptionKey;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code verdict timers} and {@code verdict erase} as separate processes: the pharmacy's store with three timers
 * scheduled through {@link NatsTimers} and two patients' data keys in {@code pharmacy-personal-keys} made by {@link
 * NatsDataKeys} (the tool runs without the key-encryption key).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCliTimersErasureTest extends PharmacyCliTestBase {
    static final TimerRef REMINDER = TimerRef.of("refill-reminder", "rx-1", "remind");
    static final TimerRef EXPIRY_2 = TimerRef.of("prescription-expiry", "rx-2", "expiry");
    static final TimerRef EXPIRY_1 = TimerRef.of("prescription-expiry", "rx-1", "expiry");
    static final KeyEncryptionKey KEK = KeyEncryptionKey.aes(new byte[32]);

    static NatsTimers timers;

    @BeforeAll
    static void timersAndKeys() {
        timers = NatsTimers.create(admin, NatsEventStoreConfig.of("pharmacy"));
        timers.schedule(EXPIRY_1, Instant.parse("2031-01-31T00:00:00Z"));
        timers.schedule(EXPIRY_2, Instant.parse("2030-06-30T00:00:00Z"));
        timers.schedule(REMINDER, Instant.parse("2030-01-01T08:30:00Z"));
        NatsDataKeys keys = keys();
        assertThat(keys.keyForWriting("pat-1")).isPresent();
        assertThat(keys.keyForWriting("pat-2")).isPresent();
    }

    /** A fresh instance (no cache) with the KEK, as the application opens it. */
    static NatsDataKeys keys() {
        return NatsDataKeys.open(admin, NatsDataKeys.Settings.of("pharmacy", KEK));
    }

    // --- timers ----------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void timersListsTheTimersByDueTime() throws Exception {
        CliProcess.Result human = verdict("timers", "pharmacy");
        assertThat(human.exit()).as(human.toString()).isZero();
        List<String> lines = human.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +OWNER +INSTANCE +NAME +DUE +SCHEDULED");
        assertThat(lines.subList(1, 4))
                .satisfiesExactly(
                        l -> assertThat(l)
                                .matches("refill-reminder\\.rx-1\\.remind +refill-reminder +rx-1 +remind"
                                        + " +2030-01-01T08:30:00Z +\\S+Z"),
                        l -> assertThat(l)
                                .matches("prescription-expiry\\.rx-2\\.expiry +prescription-expiry +rx-2 +expiry"
                                        + " +2030-06-30T00:00:00Z +\\S+Z"),
                        l -> assertThat(l)
                                .matches("prescription-expiry\\.rx-1\\.expiry +prescription-expiry +rx-1 +expiry"
                                        + " +2031-01-31T00:00:00Z +\\S+Z"));
        assertThat(lines).hasSize(5).last().isEqualTo("3 timer(s)");

        JsonNode all = json(verdict("timers", "pharmacy", "--json"));
        assertThat(all.path("store").asText()).isEqualTo("pharmacy");
        JsonNode first = all.path("timers").get(0);
        assertThat(first.path("id").asText()).isEqualTo(REMINDER.id());
        assertThat(first.path("owner").asText()).isEqualTo("refill-reminder");
        assertThat(first.path("instance").asText()).isEqualTo("rx-1");
        assertThat(first.path("name").asText()).isEqualTo("remind");
        assertThat(first.path("dueAt").asText()).isEqualTo("2030-01-01T08:30:00Z");
        assertThat(first.path("scheduledAt").asText())
                .isEqualTo(timers.find(REMINDER).orElseThrow().scheduledAt().toString());
        assertThat(first.path("overdue").asBoolean()).isFalse();
        assertThat(ids(all)).containsExactly(REMINDER.id(), EXPIRY_2.id(), EXPIRY_1.id());

        // an owner, an owner's instance: read-only permissions suffice
        assertThat(ids(json(read("timers", "pharmacy", "--owner", "prescription-expiry", "--json"))))
                .containsExactly(EXPIRY_2.id(), EXPIRY_1.id());
        assertThat(ids(json(
                        read("timers", "pharmacy", "--owner", "prescription-expiry", "--instance", "rx-1", "--json"))))
                .containsExactly(EXPIRY_1.id());
        CliProcess.Result none = read("timers", "pharmacy", "--owner", "nobody");
        assertThat(none.exit()).as(none.toString()).isZero();
        assertThat(none.out()).isEqualTo("no timers of nobody in store pharmacy\n");

        // a store without a timer stream: reported, not created
        assertOneLine(verdict("timers", "pharmacy-east"), Verdict.NOT_FOUND, "store 'pharmacy-east' has no timers");
        assertThat(admin.jetStreamManagement().getStreamNames()).doesNotContain("pharmacy-east_timers");
        assertOneLine(verdict("timers", "pharmacy", "--instance", "rx-1"), Verdict.USAGE, "--instance needs --owner");
        assertOneLine(verdict("timers"), Verdict.USAGE, "Missing required parameter: 'STORE'");
    }

    @Test
    @Order(2)
    void cancelAsksNeedsWritePermissionAndCancelsOneTimer() throws Exception {
        String id = EXPIRY_2.id();
        CliProcess.Result declined = CliProcess.run(env("admin"), "n\n", "timers", "cancel", "pharmacy", id);
        assertThat(declined.exit()).as(declined.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(declined.err())
                .contains("Cancel the timer " + id
                        + " of store 'pharmacy' (due 2030-06-30T00:00:00Z)? It will never fire:"
                        + " prescription-expiry never hears of it. [y/N]")
                .contains("nothing cancelled");
        assertThat(timers.find(EXPIRY_2)).isPresent();

        CliProcess.Result refused = CliProcess.run(env("reader"), "", "timers", "cancel", "pharmacy", id, "--yes");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Verdict.UNREACHABLE);
        assertThat(refused.err().strip()).doesNotContain("\n").contains("Permissions Violation");
        assertThat(timers.find(EXPIRY_2)).isPresent();

        CliProcess.Result cancelled = CliProcess.run(env("admin"), "y\n", "timers", "cancel", "pharmacy", id);
        assertThat(cancelled.exit()).as(cancelled.toString()).isZero();
        assertThat(cancelled.out())
                .isEqualTo("cancelled the timer " + id + " of store 'pharmacy' (due 2030-06-30T00:00:00Z)\n");
        assertThat(timers.find(EXPIRY_2)).isEmpty();
        assertThat(timers.list("prescription-expiry")).extracting(t -> t.ref()).containsExactly(EXPIRY_1);

        assertOneLine(
                verdict("timers", "cancel", "pharmacy", id, "--yes"),
                Verdict.NOT_FOUND,
                "no timer " + id + " in store 'pharmacy' (never scheduled, already fired or cancelled)");
        assertOneLine(
                verdict("timers", "cancel", "pharmacy", "prescription-expiry.rx-2", "--yes"),
                Verdict.USAGE,
                "'prescription-expiry.rx-2' is not a timer id: <owner>.<instance>.<name>");

        JsonNode json = json(verdict("timers", "cancel", "pharmacy", REMINDER.id(), "--yes", "--json"));
        assertThat(json.path("id").asText()).isEqualTo(REMINDER.id());
        assertThat(json.path("dueAt").asText()).isEqualTo("2030-01-01T08:30:00Z");
        assertThat(json.path("cancelled").asBoolean()).isTrue();
        assertThat(timers.find(REMINDER)).isEmpty();
    }

    // --- erase -----------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void eraseDestroysTheSubjectsKeyWithoutTheKek() throws Exception {
        assertOneLine(
                read("erase", "pharmacy", "pat-1", "--check"),
                Verdict.NOT_FOUND,
                "the data subject 'pat-1' of store 'pharmacy' is not erased");

        CliProcess.Result declined = CliProcess.run(env("admin"), "n\n", "erase", "pharmacy", "pat-1");
        assertThat(declined.exit()).as(declined.toString()).isEqualTo(Verdict.NOT_FOUND);
        assertThat(declined.err())
                .contains("Erase the data subject 'pat-1' of store 'pharmacy'? Its personal data can never be"
                        + " decrypted again (this is final). [y/N]")
                .contains("nothing erased");
        assertThat(keys().keyForReading("pat-1")).isPresent();

        CliProcess.Result refused = read("erase", "pharmacy", "pat-1", "--yes");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Verdict.UNREACHABLE);
        assertThat(refused.err().strip()).doesNotContain("\n").contains("Permissions Violation");
        assertThat(keys().keyForReading("pat-1")).isPresent();

        String wrapped = new String(
                admin.keyValue("pharmacy-personal-keys")
                        .get(NatsDataKeys.kvKey("pat-1"))
                        .getValue(),
                StandardCharsets.UTF_8);
        assertThat(wrapped).contains("\"key\"");

        CliProcess.Result erased = CliProcess.run(env("admin"), "y\n", "erase", "pharmacy", "pat-1");
        assertThat(erased.exit()).as(erased.toString()).isZero();
        assertThat(erased.out()).startsWith("erased the data subject 'pat-1' of store 'pharmacy' at ");
        String line = erased.out().strip();
        Instant at = Instant.parse(line.substring(line.lastIndexOf(' ') + 1));
        // the application's view (a fresh instance with the KEK): no key, erased at that instant; pat-2 untouched
        NatsDataKeys keys = keys();
        assertThat(keys.keyForReading("pat-1")).isEmpty();
        assertThat(keys.keyForWriting("pat-1")).isEmpty();
        assertThat(keys.erasure("pat-1").orElseThrow().erasedAt()).isEqualTo(at);
        assertThat(keys.keyForReading("pat-2")).isPresent();
        // the wrapped key's message is erased from the bucket: only the erasure record is left
        List<KeyValueEntry> history = admin.keyValue("pharmacy-personal-keys").history(NatsDataKeys.kvKey("pat-1"));
        assertThat(history)
                .singleElement()
                .satisfies(e -> assertThat(new String(e.getValue(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"erased\":\"" + at + "\"}"));

        // idempotent: a repeat answers the first erasure; --check reads with read permissions only
        JsonNode again = json(verdict("erase", "pharmacy", "pat-1", "--yes", "--json"));
        assertThat(again.path("store").asText()).isEqualTo("pharmacy");
        assertThat(again.path("bucket").asText()).isEqualTo("pharmacy-personal-keys");
        assertThat(again.path("subject").asText()).isEqualTo("pat-1");
        assertThat(again.path("erasedAt").asText()).isEqualTo(at.toString());
        assertThat(again.path("alreadyErased").asBoolean()).isTrue();
        CliProcess.Result check = read("erase", "pharmacy", "pat-1", "--check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).isEqualTo("the data subject 'pat-1' of store 'pharmacy' was erased at " + at + "\n");

        assertOneLine(
                verdict("erase", "pharmacy-east", "pat-1", "--yes"),
                Verdict.NOT_FOUND,
                "store 'pharmacy-east' has no key bucket 'pharmacy-east-personal-keys'");
        assertThat(admin.jetStreamManagement().getStreamNames()).doesNotContain("KV_pharmacy-east-personal-keys");
    }

    private static List<String> ids(JsonNode list) {
        return list.path("timers").findValuesAsText("id");
    }
}
