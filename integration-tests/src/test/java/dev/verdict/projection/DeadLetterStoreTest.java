package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dead-letter store's own guarantees: idempotent removal, a key-only listing, patient recording. */
class DeadLetterStoreTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final ApplyRetryPolicy FAST =
            new ApplyRetryPolicy(1, Duration.ofMillis(20), Duration.ofMillis(200), 2.0);

    /** An entry written by an earlier release (no stream identity) is read as before; a new one keeps the identity. */
    @Test
    void anEntryOfAnEarlierReleaseIsReadAndANewOneKeepsTheStreamIdentity() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            NatsDeadLetters store = NatsDeadLetters.open(nc, "dl-formats");
            // the value exactly as the previous release wrote it
            nc.keyValue("dl-formats")
                    .put(
                            "orders.list.9",
                            ("{\"projection\":\"list\",\"stream\":\"orders\",\"sequence\":9,"
                                            + "\"subject\":\"orders.order.o-9\",\"eventType\":\"OrderPlaced\","
                                            + "\"reason\":\"HANDLER_FAILED\",\"detail\":\"boom\",\"attempts\":5,"
                                            + "\"recordedAt\":\"2026-01-02T03:04:05Z\"}")
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            DeadLetter old = store.find("orders", "list", 9).orElseThrow();
            assertThat(old.subject()).isEqualTo("orders.order.o-9");
            assertThat(old.reason()).isEqualTo(PoisonReason.HANDLER_FAILED);
            assertThat(old.attempts()).isEqualTo(5);
            assertThat(old.streamIdentity()).isEmpty();

            DeadLetter now = new DeadLetter(
                    "list",
                    "orders",
                    10,
                    "orders.order.o-10",
                    Optional.of("OrderPlaced"),
                    PoisonReason.HANDLER_FAILED,
                    "boom",
                    1,
                    Instant.parse("2026-01-02T03:04:05Z"),
                    Optional.of("orders@2026-01-01T00:00:00Z"));
            store.record(now);
            assertThat(store.find("orders", "list", 10)).contains(now);
            assertThat(store.list("orders", "list")).containsExactly(old, now);
        }
    }

    /**
     * A retry request goes into the entry of an earlier release, one runner claims it, and the entry with the retry
     * fields is still what the previous release reads: every field it knows, unchanged in name and type (it ignores
     * the others – read here as it did, field by field).
     */
    @Test
    void aRetryRequestIsClaimedOnceAndTheEntryStaysReadableByThePreviousRelease() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            NatsDeadLetters store = NatsDeadLetters.open(nc, "dl-retries");
            var kv = nc.keyValue("dl-retries");
            kv.put(
                    "orders.list.9",
                    ("{\"projection\":\"list\",\"stream\":\"orders\",\"sequence\":9,"
                                    + "\"subject\":\"orders.order.o-9\",\"eventType\":\"OrderPlaced\","
                                    + "\"reason\":\"HANDLER_FAILED\",\"detail\":\"boom\",\"attempts\":5,"
                                    + "\"recordedAt\":\"2026-01-02T03:04:05Z\"}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            DeadLetter old = store.find("orders", "list", 9).orElseThrow();
            assertThat(store.claimRetry("orders", "list", 9, "a"))
                    .as("nothing requested")
                    .isEmpty();

            String request = store.requestRetry("orders", "list", 9).orElseThrow();
            assertThat(store.requestRetry("orders", "list", 99))
                    .as("no such letter")
                    .isEmpty();
            assertPreviousReleaseReads(kv.get("orders.list.9").getValue(), old);
            var claim = store.claimRetry("orders", "list", 9, "a").orElseThrow();
            assertThat(claim.requestId()).isEqualTo(request);
            assertThat(store.claimRetry("orders", "list", 9, "b"))
                    .as("claimed once")
                    .isEmpty();
            assertThat(store.retryState("orders", "list", 9).orElseThrow().claimedBy())
                    .contains("a");
            assertPreviousReleaseReads(kv.get("orders.list.9").getValue(), old);

            DeadLetter again = new DeadLetter(
                    "list",
                    "orders",
                    9,
                    "orders.order.o-9",
                    Optional.of("OrderPlaced"),
                    PoisonReason.HANDLER_FAILED,
                    "boom again",
                    6,
                    Instant.parse("2026-01-02T03:04:05Z"));
            store.retryFailed(claim, again);
            var failed = store.retryState("orders", "list", 9).orElseThrow();
            assertThat(failed.lastFailedRequest()).contains(request);
            assertThat(failed.requestId()).isEmpty();
            assertThat(store.find("orders", "list", 9)).contains(again);
            assertPreviousReleaseReads(kv.get("orders.list.9").getValue(), again);

            store.requestRetry("orders", "list", 9).orElseThrow();
            store.retryApplied(store.claimRetry("orders", "list", 9, "b").orElseThrow());
            assertThat(store.find("orders", "list", 9)).isEmpty();
        }
    }

    /** The previous release's reading of an entry: its fields by name, nothing else. */
    private static void assertPreviousReleaseReads(byte[] value, DeadLetter expected) throws Exception {
        var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
        assertThat(n.path("projection").asText()).isEqualTo(expected.projection());
        assertThat(n.path("stream").asText()).isEqualTo(expected.stream());
        assertThat(n.path("sequence").asLong()).isEqualTo(expected.sequence());
        assertThat(n.path("subject").asText()).isEqualTo(expected.subject());
        assertThat(n.path("eventType").asText()).isEqualTo(expected.eventType().orElseThrow());
        assertThat(PoisonReason.valueOf(n.path("reason").asText())).isEqualTo(expected.reason());
        assertThat(n.path("detail").asText()).isEqualTo(expected.detail());
        assertThat(n.path("attempts").asInt()).isEqualTo(expected.attempts());
        assertThat(Instant.parse(n.path("recordedAt").asText())).isEqualTo(expected.recordedAt());
    }

    @Test
    void sequencesListOneProjectionsDeadLettersAndRemovalIsIdempotent() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            NatsDeadLetters store = NatsDeadLetters.open(nc, "dl-sequences");
            store.record(letter("orders", "list", 12));
            store.record(letter("orders", "list", 3));
            store.record(letter("orders", "list", 40));
            store.record(letter("orders", "list-by-patient", 5));
            store.record(letter("refills", "list", 7));
            store.record(letter("orders", "list", 3)); // again: still one entry

            assertThat(store.sequences("orders", "list")).containsExactly(3L, 12L, 40L);

            store.remove("orders", "list", 12);
            store.remove("orders", "list", 12); // idempotent
            store.remove("orders", "list", 999); // never recorded: nothing happens

            assertThat(store.sequences("orders", "list")).containsExactly(3L, 40L);
            assertThat(store.find("orders", "list", 12)).isEmpty();
            assertThat(store.sequences("orders", "list-by-patient")).containsExactly(5L);
            assertThat(store.sequences("refills", "list")).containsExactly(7L);
            assertThat(store.sequences("orders", "nothing")).isEmpty();
            assertThat(store.listAll()).hasSize(4);
        }
    }

    @Test
    void aDeadLetterWrittenWhileTheServerIsDownIsRecordedOnceItIsBack() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            NatsDeadLetters store = NatsDeadLetters.open(nc, "dl-patient");
            DeadLetter letter = letter("orders", "list", 42);
            server.stop();

            AtomicInteger checks = new AtomicInteger();
            CountDownLatch triedForAWhile = new CountDownLatch(5);
            CompletableFuture<Boolean> recorded = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.recordPatiently(letter, FAST::backoffAfter, () -> {
                        checks.incrementAndGet();
                        triedForAWhile.countDown();
                        return false;
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            assertThat(triedForAWhile.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(recorded).as("still trying while the server is down").isNotDone();

            server.start();
            assertThat(recorded.get(60, TimeUnit.SECONDS)).isTrue();
            assertThat(store.find("orders", "list", 42)).contains(letter);
            assertThat(store.sequences("orders", "list")).containsExactly(42L);
        }
    }

    @Test
    void patientRecordingGivesUpWhenItsRunnerStops() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            NatsDeadLetters store = NatsDeadLetters.open(nc, "dl-stopped");
            server.stop();
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch tried = new CountDownLatch(3);
            CompletableFuture<Boolean> recorded = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.recordPatiently(letter("orders", "list", 1), FAST::backoffAfter, () -> {
                        tried.countDown();
                        return stopping.get();
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            assertThat(tried.await(60, TimeUnit.SECONDS)).isTrue();
            stopping.set(true);
            // not confirmed (a write sent while the server was away may still be stored after a reconnect)
            assertThat(recorded.get(60, TimeUnit.SECONDS)).isFalse();
        }
    }

    private static DeadLetter letter(String stream, String projection, long sequence) {
        return new DeadLetter(
                projection,
                stream,
                sequence,
                stream + ".counter.c-" + sequence,
                Optional.of("Added"),
                PoisonReason.HANDLER_FAILED,
                "boom",
                5,
                Instant.parse("2026-11-30T12:00:00Z"));
    }
}
