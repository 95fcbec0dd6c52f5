package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.store.TimerRef;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock reorder's follow-up really firing, through the app's HTTP API on a real server: with {@code
 * PHARMACY_REORDER_FOLLOW_UP=PT2S}, a dispense takes a drug below the reorder threshold, the process requests a reorder,
 * no stock arrives, and after the follow-up time exactly one more reorder is stored (never before its due instant,
 * never a third); for a second drug stock arrives first, which cancels the follow-up: one reorder only.
 */
class StockReorderFollowUpTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Duration FOLLOW_UP = Duration.ofSeconds(2);
    private static final String TYPE_REORDER = "ReorderRequested";

    @TempDir
    Path data;

    @Test
    void aReorderWithoutStockIsFollowedUpOnceAndStockArrivingFirstCancelsTheFollowUp() throws Exception {
        PharmacyApp app = startWithFollowUp();
        try (app;
                Connection nc = NATS.server().connect()) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            // 12 on hand, a dispense of 5 leaves 7: below the threshold of 10, so the process requests a reorder
            belowThreshold(http, "morphine", "rx-f1");
            belowThreshold(http, "codeine", "rx-f2");
            List<MessageInfo> codeineReorders = awaitReorders(nc, "codeine", 1);
            // stock arrives for codeine before its follow-up is due: the timer is cancelled, the instance ends
            assertThat(received(http, "codeine", 50)).isEqualTo(57);
            Instant codeineDue = recordedTime(codeineReorders.get(0)).plus(FOLLOW_UP);

            List<MessageInfo> morphineReorders = awaitReorders(nc, "morphine", 2);
            Instant firstAt = recordedTime(morphineReorders.get(0));
            Instant followUpAt = morphineReorders.get(1).getTime().toInstant();
            assertThat(followUpAt).as("the follow-up never comes early").isAfterOrEqualTo(firstAt.plus(FOLLOW_UP));

            // a third reorder for morphine, or a follow-up for codeine, would be stored by now
            Thread.sleep(
                    Math.max(0, Duration.between(Instant.now(), codeineDue).toMillis()) + FOLLOW_UP.toMillis() + 1000);
            assertThat(reorders(nc, "morphine")).hasSize(2);
            assertThat(reorders(nc, "codeine")).hasSize(1);
            NatsTimers timers = NatsTimers.create(nc, NatsEventStoreConfig.of("pharmacy"));
            for (String process : TestMode.perShard("stock-reorder")) { // sharded: a process per shard
                assertThat(timers.find(TimerRef.of(process, "codeine", PharmacyProcess.FOLLOW_UP)))
                        .isEmpty();
                assertThat(timers.find(TimerRef.of(process, "morphine", PharmacyProcess.FOLLOW_UP)))
                        .as("the follow-up's reorder schedules no further timer")
                        .isEmpty();
            }
            assertThat(http.get("/inventory/morphine").body().path("onHand").asInt())
                    .isEqualTo(7);
        }
    }

    /** The app with the follow-up time set as its environment would (Spring reads system properties the same way). */
    private PharmacyApp startWithFollowUp() {
        String key = "PHARMACY_REORDER_FOLLOW_UP";
        System.setProperty(key, FOLLOW_UP.toString());
        try {
            return PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data));
        } finally {
            System.clearProperty(key); // read once, when the process's host is made
        }
    }

    /** Receives 12 units of the drug, orders and verifies a prescription, dispenses 5: 7 left. */
    private static void belowThreshold(HttpClientForTests http, String drug, String rx) {
        assertThat(received(http, drug, 12)).isEqualTo(12);
        Reply ordered = http.post("/prescriptions", order(rx, "patient-" + rx, drug, 30, 0));
        assertThat(ordered.status()).as(ordered.raw()).isEqualTo(201);
        Reply verified = http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
        Reply dispensed = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}");
        assertThat(dispensed.status()).as(dispensed.raw()).isEqualTo(200);
    }

    private static int received(HttpClientForTests http, String drug, int quantity) {
        Reply reply = http.post("/inventory/" + drug + "/receive", "{\"quantity\":" + quantity + "}");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.body().path("onHand").asInt();
    }

    private static List<MessageInfo> awaitReorders(Connection nc, String drug, int count) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<MessageInfo> found = reorders(nc, drug);
        while (found.size() < count && System.nanoTime() < end) {
            Thread.sleep(50);
            found = reorders(nc, drug);
        }
        assertThat(found).as("reorders of " + drug).hasSize(count);
        return found;
    }

    /** The drug's stored {@code ReorderRequested} events, read from the stream in order. */
    private static List<MessageInfo> reorders(Connection nc, String drug) throws IOException {
        JetStreamManagement jsm = nc.jetStreamManagement();
        List<MessageInfo> out = new ArrayList<>();
        Optional<String> stream = TestMode.streamOf(nc, "inventory", drug);
        if (stream.isEmpty()) {
            return out;
        }
        long seq = 1;
        while (true) {
            MessageInfo m;
            try {
                m = jsm.getNextMessage(stream.get(), seq, TestMode.subject(stream.get(), "inventory", drug));
            } catch (JetStreamApiException e) {
                return out; // no further message on the subject
            }
            if (TYPE_REORDER.equals(m.getHeaders().getFirst(NatsEventHeaders.TYPE))) {
                out.add(m);
            }
            seq = m.getSeq() + 1;
        }
    }

    private static Instant recordedTime(MessageInfo m) {
        return Instant.parse(m.getHeaders().getFirst(NatsEventHeaders.TIME));
    }
}
