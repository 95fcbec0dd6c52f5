package dev.verdict.examples.pharmacy.app;

import static dev.verdict.examples.pharmacy.app.HttpClientForTests.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verdict.examples.pharmacy.app.HttpClientForTests.Reply;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pharmacy's public HTTP contract, end to end: the real app on a real nats-server and an H2 read model. */
class PharmacyHttpApiTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    static Path data;

    static PharmacyApp app;
    static HttpClientForTests http;
    static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        app = PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data));
        http = new HttpClientForTests(app.url());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static String newId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    /** Orders a prescription (30 tablets, 1 refill) for a new patient and returns its id. */
    static String ordered(String drug) {
        String rx = newId("rx");
        Reply reply = http.post("/prescriptions", order(rx, newId("patient"), drug, 30, 1));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return rx;
    }

    /** Receives {@code quantity} units of the drug and returns its stock on hand afterwards. */
    static int stocked(String drug, int quantity) {
        Reply reply = http.post("/inventory/" + drug + "/receive", "{\"quantity\":" + quantity + "}");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.body().path("onHand").asInt();
    }

    /** A verified prescription (see {@link #ordered}) whose drug has 1,000 more units in stock. */
    static String verified(String drug) {
        stocked(drug, 1000);
        String rx = ordered(drug);
        assertThat(http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}")
                        .status())
                .isEqualTo(200);
        return rx;
    }

    /** How many events the entity's subject holds, counted on the stream itself. */
    static long events(String category, String id) {
        try (Connection nats = Nats.connect(NATS.server().url())) {
            Optional<String> stream = TestMode.streamOf(nats, category, id);
            if (stream.isEmpty()) {
                return 0;
            }
            return nats
                    .jetStreamManagement()
                    .getStreamInfo(
                            stream.get(),
                            StreamInfoOptions.filterSubjects(TestMode.subject(stream.get(), category, id)))
                    .getStreamState()
                    .getSubjects()
                    .stream()
                    .mapToLong(Subject::getCount)
                    .sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits up to 15 s until the entity's subject holds {@code count} events. */
    static void awaitEvents(String category, String id, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (events(category, id) != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(category + "/" + id + " holds " + events(category, id) + " events, not "
                        + count + " after 15 s");
            }
            Thread.sleep(50);
        }
    }

    static long dispensedEvents(String rx) {
        Reply events = http.get("/prescriptions/" + rx + "/events");
        long count = 0;
        for (JsonNode e : events.body()) {
            if (e.path("type").asText().equals("DrugDispensed")) {
                count++;
            }
        }
        return count;
    }

    // --- Prescriptions ---
    @Test
    void ordersAPrescriptionAndAnswersWithTheResource() {
        Reply reply = http.post("/prescriptions", order("rx-order-1", "patient-o1", "ibuprofen", 20, 2));

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.headers().firstValue("Location")).hasValue("/prescriptions/rx-order-1");
        JsonNode body = reply.body();
        assertThat(body.path("prescriptionId").asText()).isEqualTo("rx-order-1");
        assertThat(body.path("patientId").asText()).isEqualTo("patient-o1");
        assertThat(body.path("drug").asText()).isEqualTo("ibuprofen");
        assertThat(body.path("status").asText()).isEqualTo("ordered");
        assertThat(body.path("quantity").asInt()).isEqualTo(20);
        assertThat(body.path("dispensed").asInt()).isZero();
        assertThat(body.path("remaining").asInt()).isEqualTo(20);
        assertThat(body.path("refillsLeft").asInt()).isEqualTo(2);
        assertThat(body.path("version").asLong()).isPositive();
    }

    @Test
    void answers409WhenThePrescriptionIdAlreadyExists() {
        String rx = ordered("ibuprofen");

        Reply again = http.post("/prescriptions", order(rx, "someone-else", "ibuprofen", 5, 0));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("prescription.already-exists");
        assertThat(again.body().path("message").asText()).contains(rx);
    }

    @Test
    void verifiesDispensesRefillsAndCancels() {
        String rx = ordered("ibuprofen");

        Reply verified = http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.body().path("status").asText()).isEqualTo("verified");

        Reply partial = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":10}");
        assertThat(partial.status()).isEqualTo(200);
        assertThat(partial.body().path("status").asText()).isEqualTo("dispensing");
        assertThat(partial.body().path("dispensed").asInt()).isEqualTo(10);
        assertThat(partial.body().path("remaining").asInt()).isEqualTo(20);

        Reply filled = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":20}");
        assertThat(filled.body().path("status").asText()).isEqualTo("filled");

        Reply refilled = http.post("/prescriptions/" + rx + "/refill", "{}");
        assertThat(refilled.status()).isEqualTo(200);
        assertThat(refilled.body().path("remaining").asInt()).isEqualTo(30);
        assertThat(refilled.body().path("refillsLeft").asInt()).isZero();

        Reply cancelled = http.post("/prescriptions/" + rx + "/cancel", "{\"reason\":\"patient moved\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.body().path("version").asLong())
                .isGreaterThan(refilled.body().path("version").asLong());
    }

    @Test
    void completesThePrescriptionWithTheLastFill() {
        String rx = newId("rx");
        http.post("/prescriptions", order(rx, newId("patient"), "ibuprofen", 5, 0));
        http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");

        Reply last = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}");

        assertThat(last.body().path("status").asText()).isEqualTo("completed");
        Reply refill = http.post("/prescriptions/" + rx + "/refill", "{}");
        assertThat(refill.status()).isEqualTo(409);
        assertThat(refill.error()).isEqualTo("prescription.no-refills-left");
    }

    @Test
    void getsThePrescriptionWithItsVersion() {
        String rx = verified("ibuprofen");
        Reply dispensed = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":3}");

        Reply reply = http.get("/prescriptions/" + rx);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(dispensed.body());
    }

    @Test
    void listsTheEventsInOrder() {
        String rx = verified("ibuprofen");
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":3}");

        Reply reply = http.get("/prescriptions/" + rx + "/events");

        assertThat(reply.status()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        long previous = 0;
        for (JsonNode event : reply.body()) {
            types.add(event.path("type").asText());
            assertThat(event.path("sequence").asLong()).isGreaterThan(previous);
            previous = event.path("sequence").asLong();
            assertThat(Instant.parse(event.path("time").asText())).isNotNull();
        }
        assertThat(types).containsExactly("PrescriptionOrdered", "PrescriptionVerified", "DrugDispensed");
        JsonNode dispensed = reply.body().get(2).path("data");
        assertThat(dispensed.path("quantity").asInt()).isEqualTo(3);
        assertThat(dispensed.path("remaining").asInt()).isEqualTo(27);
        assertThat(http.get("/prescriptions/" + rx).body().path("version").asLong())
                .isEqualTo(previous);
    }

    // --- TimeTravel ---
    @Test
    void showsThePrescriptionAsOfAStreamSequence() {
        String rx = verified("ibuprofen");
        Reply afterFirst = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":4}");
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":6}");

        long version = afterFirst.body().path("version").asLong();
        Reply then = http.get("/prescriptions/" + rx + "?asOf=" + version);

        assertThat(then.status()).isEqualTo(200);
        assertThat(then.body()).isEqualTo(afterFirst.body());
        assertThat(then.body().path("dispensed").asInt()).isEqualTo(4);
    }

    @Test
    void showsThePrescriptionAsOfAnInstant() throws InterruptedException {
        String rx = verified("ibuprofen");
        Reply afterFirst = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":4}");
        Thread.sleep(5);
        Instant between = Instant.now();
        Thread.sleep(5);
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":6}");

        Reply then = http.get("/prescriptions/" + rx + "?asOf=" + between);

        assertThat(then.status()).isEqualTo(200);
        assertThat(then.body()).isEqualTo(afterFirst.body());
    }

    @Test
    void answers404AsOfAMomentBeforeTheFirstEvent() {
        String rx = ordered("ibuprofen");

        Reply then = http.get("/prescriptions/" + rx + "?asOf=2000-01-01T00:00:00Z");

        assertThat(then.status()).isEqualTo(404);
        assertThat(then.error()).isEqualTo("not-found");
    }

    @Test
    void answers400ForAnAsOfThatIsNeitherSequenceNorInstant() {
        String rx = ordered("ibuprofen");

        Reply then = http.get("/prescriptions/" + rx + "?asOf=yesterday");

        assertThat(then.status()).isEqualTo(400);
        assertThat(then.error()).isEqualTo("bad-request");
        assertThat(then.body().path("message").asText()).contains("asOf");
    }

    // --- ReadModelAndProcess ---
    @Test
    void listsAPatientsPrescriptionsOnceTheReadModelCaughtUp() {
        String patient = newId("patient");
        String rx1 = newId("rx");
        String rx2 = newId("rx");
        http.post("/prescriptions", order(rx1, patient, "ibuprofen", 10, 0));
        http.post("/prescriptions", order(rx2, patient, "paracetamol", 20, 1));
        http.post("/prescriptions/" + rx2 + "/verify", "{\"pharmacistId\":\"ana\"}");
        stocked("paracetamol", 1000);
        Reply dispensed = http.post("/prescriptions/" + rx2 + "/dispense", "{\"quantity\":5}");

        Reply list = http.await(
                "/patients/" + patient + "/prescriptions",
                r -> r.body().size() == 2 && r.body().get(1).path("dispensed").asInt() == 5);

        assertThat(list.body().get(0).path("prescriptionId").asText()).isEqualTo(rx1);
        assertThat(list.body().get(0).path("status").asText()).isEqualTo("ordered");
        assertThat(list.body().get(1)).isEqualTo(dispensed.body());
    }

    @Test
    void answersAnEmptyListForAPatientWithoutPrescriptions() {
        Reply list = http.get("/patients/nobody-" + IDS.incrementAndGet() + "/prescriptions");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().isArray()).isTrue();
        assertThat(list.body()).isEmpty();
    }

    @Test
    void receivesStockAndShowsIt() {
        String drug = newId("drug");

        Reply received = http.post("/inventory/" + drug + "/receive", "{\"quantity\":50}");
        http.post("/inventory/" + drug + "/receive", "{\"quantity\":25}");

        assertThat(received.status()).isEqualTo(200);
        assertThat(received.raw()).isEqualTo("{\"drug\":\"" + drug + "\",\"onHand\":50}");
        assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt()).isEqualTo(75);
    }

    @Test
    void refusesReceivingBeyondTheCapacityAndStoresNothing() {
        String drug = newId("drug");
        Reply first = http.post("/inventory/" + drug + "/receive", "{\"quantity\":2147483647}");

        Reply second = http.post("/inventory/" + drug + "/receive", "{\"quantity\":2147483647}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).as(second.raw()).isEqualTo(409);
        assertThat(second.error()).isEqualTo("inventory.capacity-exceeded");
        Reply stock = http.get("/inventory/" + drug);
        assertThat(stock.body().path("onHand").asLong()).isEqualTo(Integer.MAX_VALUE);
        assertThat(events("inventory", drug)).isEqualTo(1);
    }

    @Test
    void answers400ForAQuantityBeyondTheIntegerRange() {
        String drug = newId("drug");
        http.post("/inventory/" + drug + "/receive", "{\"quantity\":5}");

        Reply reply = http.post("/inventory/" + drug + "/receive", "{\"quantity\":2147483648}");
        Reply dispense =
                http.post("/prescriptions/" + ordered(drug) + "/dispense", "{\"quantity\":99999999999999999999}");

        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.body().path("message").asText()).contains("quantity", "2147483647");
        assertThat(dispense.status()).as(dispense.raw()).isEqualTo(400);
        assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt()).isEqualTo(5);
    }

    @Test
    void answers404ForADrugNeverReceived() {
        Reply reply = http.get("/inventory/" + newId("drug"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("not-found");
    }

    @Test
    void aDispenseDeductsTheStockInTheSameAppendAndTheStockShowsItAtOnce() {
        String drug = newId("drug");
        String rx = verified(drug);
        int before = http.get("/inventory/" + drug).body().path("onHand").asInt();

        Reply dispensed = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":10}");

        assertThat(dispensed.status()).as(dispensed.raw()).isEqualTo(200);
        // read-your-writes: no waiting for a process manager
        Reply stock = http.get("/inventory/" + drug);
        assertThat(stock.body().path("onHand").asInt()).isEqualTo(before - 10);
        assertThat(events("inventory", drug)).isEqualTo(2);
    }

    @Test
    void aDispenseBeyondTheStockOnHandIsRefusedWith409AndStoresNothing() {
        String drug = newId("drug");
        String rx = ordered(drug);
        http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");
        stocked(drug, 4);
        long rxEvents = events("prescription", rx);

        Reply refused = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}");

        assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
        assertThat(refused.error()).isEqualTo("inventory.insufficient-stock");
        assertThat(refused.body().path("message").asText()).contains(drug);
        assertThat(events("prescription", rx)).isEqualTo(rxEvents);
        assertThat(events("inventory", drug)).isEqualTo(1);
        assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt()).isEqualTo(4);
        assertThat(http.get("/prescriptions/" + rx).body().path("dispensed").asInt())
                .isZero();

        Reply exact = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":4}");
        assertThat(exact.status()).as(exact.raw()).isEqualTo(200);
        assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt()).isZero();
    }

    @Test
    void aDispenseWithoutAnyStockOfTheDrugIsRefused() {
        String drug = newId("drug");
        String rx = ordered(drug);
        http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");

        Reply refused = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":1}");

        assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
        assertThat(refused.error()).isEqualTo("inventory.insufficient-stock");
        assertThat(events("inventory", drug)).isZero();
        assertThat(dispensedEvents(rx)).isZero();
    }

    @Test
    void concurrentDispensesNeverTakeTheStockBelowZero() throws Exception {
        String drug = newId("drug");
        List<String> prescriptions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String rx = ordered(drug);
            http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");
            prescriptions.add(rx);
        }
        stocked(drug, 20);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                String rx = prescriptions.get(i % 10);
                replies.add(pool.submit(() -> {
                    start.await();
                    return http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":1}");
                }));
            }
            start.countDown();
            int ok = 0;
            for (Future<Reply> reply : replies) {
                Reply r = reply.get();
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertThat(r.status()).as(r.raw()).isEqualTo(409);
                    assertThat(r.error()).isEqualTo("inventory.insufficient-stock");
                }
            }
            assertThat(ok).isEqualTo(20);
            assertThat(http.get("/inventory/" + drug).body().path("onHand").asInt())
                    .isZero();
            long dispensed = 0;
            for (String rx : prescriptions) {
                dispensed += dispensedEvents(rx);
            }
            assertThat(dispensed).isEqualTo(ok);
            // the receipt, one deduction per dispense, and – asynchronously, from the process manager – the one
            // reorder requested when the stock fell below the threshold of 10
            awaitEvents("inventory", drug, 1 + ok + 1);
            Thread.sleep(300);
            assertThat(events("inventory", drug)).isEqualTo(1 + ok + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- Idempotency ---
    @Test
    void aRepeatedRequestWithTheSameKeyAnswersTheSameAndAppendsNothing() {
        String rx = verified("ibuprofen");
        String key = newId("key");

        Reply first = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", key);
        Reply second = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(dispensedEvents(rx)).isEqualTo(1);
        assertThat(http.get("/prescriptions/" + rx).body().path("dispensed").asInt())
                .isEqualTo(5);
    }

    @Test
    void aRepeatedRequestAnswersTheFirstResultEvenAfterLaterChanges() {
        String rx = verified("ibuprofen");
        String key = newId("key");
        Reply first = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":25}", key);
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}");

        Reply repeat = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":25}", key);

        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(dispensedEvents(rx)).isEqualTo(2);
    }

    @Test
    void aRepeatedOrderWithTheSameKeyAnswers201Again() {
        String rx = newId("rx");
        String body = order(rx, newId("patient"), "ibuprofen", 10, 0);
        String key = newId("key");

        Reply first = http.post("/prescriptions", body, key);
        Reply second = http.post("/prescriptions", body, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(http.get("/prescriptions/" + rx + "/events").body()).hasSize(1);
    }

    @Test
    void aDifferentKeyIsADifferentCommand() {
        String rx = verified("ibuprofen");

        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", newId("key"));
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", newId("key"));

        assertThat(dispensedEvents(rx)).isEqualTo(2);
    }

    @Test
    void aKeyUsedForAnotherActionIsRefusedWith422AndNothingIsStored() {
        String rx = ordered("ibuprofen");
        String key = newId("key");
        Reply verified = http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}", key);

        Reply dispense = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", key);

        assertThat(verified.status()).isEqualTo(200);
        assertThat(dispense.status()).as(dispense.raw()).isEqualTo(422);
        assertThat(dispense.error()).isEqualTo("idempotency-key-reused");
        assertThat(dispense.body().path("message").asText()).contains("another request");
        assertThat(dispensedEvents(rx)).isZero();
    }

    @Test
    void aKeyUsedWithAnotherBodyIsRefusedWith422() {
        String rx = verified("ibuprofen");
        String key = newId("key");
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", key);

        Reply other = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":6}", key);

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.error()).isEqualTo("idempotency-key-reused");
        assertThat(dispensedEvents(rx)).isEqualTo(1);
    }

    @Test
    void aKeyReusedOnAnotherPrescriptionIsRefusedWith422NotA500() {
        String first = verified("ibuprofen");
        String second = verified("ibuprofen");
        String key = newId("key");
        http.post("/prescriptions/" + first + "/dispense", "{\"quantity\":5}", key);

        Reply other = http.post("/prescriptions/" + second + "/dispense", "{\"quantity\":5}", key);

        assertThat(other.status()).as(other.raw()).isEqualTo(422);
        assertThat(other.error()).isEqualTo("idempotency-key-reused");
        assertThat(dispensedEvents(second)).isZero();
    }

    @Test
    void aRepeatOfARejectedRequestGetsTheSameRejectionAfterTheStateChanged() {
        String rx = verified("ibuprofen");
        String key = newId("key");
        Reply first = http.post("/prescriptions/" + rx + "/refill", "{}", key);
        http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":30}"); // a refill would be accepted now

        Reply repeat = http.post("/prescriptions/" + rx + "/refill", "{}", key);

        assertThat(first.status()).isEqualTo(409);
        assertThat(first.error()).isEqualTo("prescription.fill-incomplete");
        assertThat(repeat.status()).isEqualTo(409);
        assertThat(repeat.raw()).isEqualTo(first.raw());
        assertThat(http.get("/prescriptions/" + rx).body().path("status").asText())
                .isEqualTo("filled");
    }

    @Test
    void aRepeatedReceiveWithTheSameKeyStoresOnce() {
        String drug = newId("drug");
        String key = newId("key");

        Reply first = http.post("/inventory/" + drug + "/receive", "{\"quantity\":7}", key);
        Reply repeat = http.post("/inventory/" + drug + "/receive", "{\"quantity\":7}", key);

        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.raw()).isEqualTo(first.raw());
        assertThat(events("inventory", drug)).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyStoreOnceAndAllGetTheSameAnswer() throws Exception {
        String rx = verified("ibuprofen");
        String key = newId("key");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":3}", key);
                }));
            }
            go.countDown();
            Reply first = replies.get(0).get();
            for (Future<Reply> reply : replies) {
                assertThat(reply.get().status()).as(reply.get().raw()).isEqualTo(200);
                assertThat(reply.get().raw()).isEqualTo(first.raw());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dispensedEvents(rx)).isEqualTo(1);
    }

    @Test
    void answers400ForAKeyThatCannotBeACommandId() {
        String rx = verified("ibuprofen");

        Reply reply = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":5}", "has spaces");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().path("message").asText()).contains("Idempotency-Key");
        assertThat(dispensedEvents(rx)).isZero();
    }

    // --- Errors ---
    @Test
    void answers400ForMalformedJson() {
        Reply reply = http.post("/prescriptions", "{\"prescriptionId\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad-request");
        assertThat(reply.body().path("message").asText()).contains("malformed JSON");
        assertThat(reply.raw()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void answers400ForABodyThatIsNotAnObject() {
        Reply reply = http.post("/prescriptions", "[1,2]");

        assertThat(reply.status()).isEqualTo(400);
    }

    @Test
    void answers400ForAMissingField() {
        Reply reply = http.post("/prescriptions", "{\"prescriptionId\":\"rx-missing\",\"patientId\":\"p\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().path("message").asText()).contains("'drug'");
        assertThat(http.get("/prescriptions/rx-missing").status()).isEqualTo(404);
    }

    @Test
    void answers400ForAFieldOfTheWrongType() {
        String rx = verified("ibuprofen");

        Reply reply = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":\"ten\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().path("message").asText()).contains("'quantity'");
    }

    @Test
    void answers400ForAQuantityBelowOne() {
        String rx = verified("ibuprofen");

        Reply reply = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":0}");

        assertThat(reply.status()).isEqualTo(400);
    }

    @Test
    void answers400ForAnIdThatIsNotASingleSubjectToken() {
        Reply dotted = http.post("/prescriptions", order("rx.1", "patient-1", "ibuprofen", 10, 0));
        Reply wildcard = http.get("/prescriptions/%2A");
        Reply spaced = http.get("/patients/a%20b/prescriptions");
        Reply drug = http.post("/inventory/%3E/receive", "{\"quantity\":1}");

        assertThat(List.of(dotted.status(), wildcard.status(), spaced.status(), drug.status()))
                .containsOnly(400);
        assertThat(dotted.body().path("message").asText()).contains("prescriptionId");
    }

    @Test
    void answers404ForAnUnknownPrescription() {
        Reply get = http.get("/prescriptions/rx-never-ordered");
        Reply events = http.get("/prescriptions/rx-never-ordered/events");
        Reply verify = http.post("/prescriptions/rx-never-ordered/verify", "{\"pharmacistId\":\"ana\"}");

        assertThat(List.of(get.status(), events.status(), verify.status())).containsOnly(404);
        assertThat(verify.error()).isEqualTo("not-found");
    }

    @Test
    void answers404ForAnUnknownPath() {
        Reply reply = http.get("/no/such/thing");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("not-found");
    }

    @Test
    void answers400AsJsonForAUrlTheServerCannotDecode() throws Exception {
        // a broken percent-encoding never reaches the app (java.net.URI refuses to send it): a raw request
        try (java.net.Socket socket =
                new java.net.Socket(app.url().getHost(), app.url().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /prescriptions/%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json");
            assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                    .contains("\"error\":\"bad-request\"")
                    .doesNotContain("<html");
        }
    }

    @Test
    void answers405ForTheWrongMethod() {
        Reply reply = http.send(
                HttpRequest.newBuilder(app.url().resolve("/prescriptions")).DELETE());

        assertThat(reply.status()).isEqualTo(405);
    }

    @Test
    void answers409WithTheRejectionCodeForADomainRejection() {
        String rx = ordered("ibuprofen");

        Reply early = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":1}");
        http.post("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}");
        Reply tooMuch = http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":31}");

        assertThat(early.status()).isEqualTo(409);
        assertThat(early.error()).isEqualTo("prescription.not-verified");
        assertThat(tooMuch.status()).isEqualTo(409);
        assertThat(tooMuch.error()).isEqualTo("prescription.over-dispense");
        assertThat(tooMuch.body().path("message").asText()).contains("only 30 remain");
    }

    @Test
    void reportsItsHealth() {
        Reply health = http.get("/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.raw()).isEqualTo("{\"nats\":\"connected\"}");
    }

    @Test
    void theDemoWalksThroughAPrescriptionsLife() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new PharmacyDemo(app.url(), new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output)
                .contains("< 409")
                .contains("prescription.over-dispense")
                .contains("asOf=");
        assertThat(output).contains("Done.");
    }

    @Test
    void fiftyConcurrentDispensesKeepTheInvariant() throws Exception {
        String rx = verified("ibuprofen");
        int requests = 50;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return http.post("/prescriptions/" + rx + "/dispense", "{\"quantity\":1}");
                }));
            }
            start.countDown();
            int ok = 0;
            for (Future<Reply> reply : replies) {
                Reply r = reply.get();
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertThat(r.status()).as(r.raw()).isEqualTo(409);
                    assertThat(r.error()).isIn("prescription.over-dispense", "conflict");
                }
            }

            assertThat(dispensedEvents(rx)).isEqualTo(ok);
            JsonNode now = http.get("/prescriptions/" + rx).body();
            assertThat(now.path("dispensed").asInt()).isEqualTo(ok).isLessThanOrEqualTo(30);
            assertThat(ok).isEqualTo(30);
        } finally {
            pool.shutdownNow();
        }
    }
}
