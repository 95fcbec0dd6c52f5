package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsEventStoreTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private NatsEventStore store;
    private final EntityRef rx = EntityRef.of("prescription", "rx-42");

    sealed interface RxEvent permits Ordered, Dispensed {}

    record Ordered(String drug, int quantity) implements RxEvent {}

    record Dispensed(int quantity) implements RxEvent {}

    private static final JsonEventCodec<RxEvent> CODEC = JsonEventCodec.of(RxEvent.class);

    @BeforeEach
    void newStore() {
        store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("store" + STORES.incrementAndGet()));
    }

    private static EncodedEvent dispensed(int quantity) {
        return CODEC.encode(new Dispensed(quantity));
    }

    private long messagesInStream() throws Exception {
        return NATS.connection()
                .jetStreamManagement()
                .getStreamInfo(store.name().value())
                .getStreamState()
                .getMsgCount();
    }

    @Test
    void aNewEntityHasVersionZero() {
        assertThat(store.version(rx)).isZero();
        assertThat(store.readAll(rx, ReadRange.all())).isEmpty();
    }

    @Test
    void versionAsyncAnswersWhatVersionAnswers() {
        assertThat(store.versionAsync(rx).join()).isZero();
        AppendResult r = store.append(rx, 0, List.of(dispensed(1), dispensed(2)), CommandContext.create());

        assertThat(store.versionAsync(rx).join()).isEqualTo(r.version()).isEqualTo(store.version(rx));
        assertThat(store.versionAsync(EntityRef.of("prescription", "rx-other")).join())
                .isZero();
    }

    @Test
    void versionOnAClosedConnectionIsUnavailableNotAnIllegalState() throws Exception {
        Connection closed = NATS.server().connect();
        NatsEventStore onClosed = NatsEventStore.create(closed, store.config());
        closed.close();

        assertThatThrownBy(() -> onClosed.version(rx)).isInstanceOf(EventStoreUnavailable.class);
        assertThat(onClosed.versionAsync(rx))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(EventStoreUnavailable.class);
    }

    @Test
    void aReadBoundedBeyondTheEndReturnsWhatIsThere() {
        long v = 0;
        for (int i = 0; i < 3; i++) { // 300 events: more than one batch direct get, then a consumer
            List<EncodedEvent> hundred = new ArrayList<>();
            for (int k = 0; k < 100; k++) {
                hundred.add(dispensed(i * 100 + k));
            }
            v = store.append(rx, v, hundred, CommandContext.create()).version();
        }
        EntityRef shortOne = EntityRef.of("prescription", "rx-short");
        long s = store.append(shortOne, 0, List.of(dispensed(1), dispensed(2)), CommandContext.create())
                .version();

        // a read that waited for events past the end would fail with EventStoreUnavailable after the request timeout
        assertThat(store.readAll(rx, ReadRange.all().upToSequence(v + 1_000))).hasSize(300);
        assertThat(store.readAll(shortOne, ReadRange.all().upToSequence(s + 1_000)))
                .extracting(RecordedEvent::sequence)
                .containsExactly(s - 1, s);
        assertThat(store.read(rx, ReadRange.after(v), e -> {}).eventsRead()).isZero();
    }

    @Test
    void appendsAndReadsBackEventsWithTheirHeaders() {
        CommandContext ctx = CommandContext.withCommandId("cmd-1")
                .correlatedWith("req-9")
                .causedBy("evt-3")
                .withMetadata("user", "pharmacist-7");

        AppendResult r = store.append(rx, 0, List.of(CODEC.encode(new Ordered("aspirin", 2))), ctx);

        assertThat(r.duplicate()).isFalse();
        assertThat(store.version(rx)).isEqualTo(r.version());
        List<RecordedEvent> events = store.readAll(rx, ReadRange.all());
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.entity()).isEqualTo(rx);
        assertThat(e.sequence()).isEqualTo(r.version());
        assertThat(e.type()).isEqualTo("Ordered");
        assertThat(e.commandId()).isEqualTo("cmd-1");
        assertThat(e.correlationId()).isEqualTo("req-9");
        assertThat(e.causationId()).contains("evt-3");
        assertThat(e.metadata()).containsEntry("user", "pharmacist-7");
        assertThat(EventDecoding.decode(store.name(), e, CODEC)).isEqualTo(new Ordered("aspirin", 2));
    }

    @Test
    void concurrentAppendsWithTheSameExpectedVersionHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                long expected = store.version(rx);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Object>> outcomes = new ArrayList<>();
                for (int writer = 0; writer < 2; writer++) {
                    Callable<Object> append = () -> {
                        start.await();
                        try {
                            return store.append(rx, expected, List.of(dispensed(1)), CommandContext.create());
                        } catch (ConcurrencyConflict c) {
                            return c;
                        }
                    };
                    outcomes.add(pool.submit(append));
                }
                start.countDown();
                List<Object> results =
                        List.of(outcomes.get(0).get(), outcomes.get(1).get());

                assertThat(results).filteredOn(AppendResult.class::isInstance).hasSize(1);
                assertThat(results)
                        .filteredOn(ConcurrencyConflict.class::isInstance)
                        .hasSize(1);
                AppendResult winner = (AppendResult) results.stream()
                        .filter(AppendResult.class::isInstance)
                        .findFirst()
                        .orElseThrow();
                ConcurrencyConflict loser = (ConcurrencyConflict) results.stream()
                        .filter(ConcurrencyConflict.class::isInstance)
                        .findFirst()
                        .orElseThrow();
                assertThat(loser.actualVersion()).hasValue(winner.version());
            }
            assertThat(store.readAll(rx, ReadRange.all())).hasSize(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMultiEventAppendStoresContiguousSequencesInOrder() {
        AppendResult r = store.append(
                rx, 0, List.of(dispensed(1), dispensed(2), dispensed(3)), CommandContext.withCommandId("c-1"));

        assertThat(r.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(store.readAll(rx, ReadRange.all()))
                .extracting(e -> EventDecoding.decode(store.name(), e, CODEC))
                .containsExactly(new Dispensed(1), new Dispensed(2), new Dispensed(3));
    }

    @Test
    void aThreeEventAppendWithAStaleExpectationStoresNothing() throws Exception {
        long v1 = store.append(rx, 0, List.of(dispensed(1)), CommandContext.create())
                .version();

        assertThatThrownBy(() ->
                        store.append(rx, 0, List.of(dispensed(2), dispensed(3), dispensed(4)), CommandContext.create()))
                .isInstanceOfSatisfying(ConcurrencyConflict.class, c -> {
                    assertThat(c.expectedVersion()).isZero();
                    assertThat(c.actualVersion()).hasValue(v1);
                });
        assertThat(store.readAll(rx, ReadRange.all())).hasSize(1);
        assertThat(messagesInStream()).isEqualTo(1);
    }

    @Test
    void resendingASingleEventCommandAfterALostAckStoresItOnce() throws Exception {
        CommandContext ctx = CommandContext.withCommandId("dispense-7");
        AppendResult original = store.append(rx, 0, List.of(dispensed(1)), ctx);

        // the client never saw the ack and re-sends the same command with the same (now stale) expectation
        AppendResult resent = store.append(rx, 0, List.of(dispensed(1)), ctx);

        assertThat(resent.duplicate()).isTrue();
        assertThat(resent.sequences()).isEqualTo(original.sequences());
        assertThat(messagesInStream()).isEqualTo(1);
    }

    @Test
    void resendingABatchCommandAfterALostAckStoresEachEventOnce() throws Exception {
        CommandContext ctx = CommandContext.withCommandId("order-and-dispense");
        List<EncodedEvent> decision = List.of(CODEC.encode(new Ordered("aspirin", 3)), dispensed(1), dispensed(2));
        AppendResult original = store.append(rx, 0, decision, ctx);
        store.append(EntityRef.of("prescription", "other"), 0, List.of(dispensed(9)), CommandContext.create());

        AppendResult resent = store.append(rx, 0, decision, ctx);

        assertThat(resent.duplicate()).isTrue();
        assertThat(resent.sequences()).isEqualTo(original.sequences());
        assertThat(store.readAll(rx, ReadRange.all())).hasSize(3);
        assertThat(messagesInStream()).isEqualTo(4);
    }

    @Test
    void resendingAfterAnAppendWhoseAckWasLostInATimeoutStoresEachEventOnce() throws Exception {
        NatsEventStore impatient = NatsEventStore.create(
                NATS.connection(),
                NatsEventStoreConfig.builder()
                        .from(store.config())
                        .requestTimeout(Duration.ofNanos(1))
                        .build());
        CommandContext ctx = CommandContext.withCommandId("impatient");
        List<EncodedEvent> decision = List.of(dispensed(1), dispensed(2), dispensed(3));
        try {
            impatient.append(rx, 0, decision, ctx);
        } catch (EventStoreUnavailable expectedMostOfTheTime) {
            // the outcome is unknown: the batch may or may not be stored
        }

        AppendResult resent = store.append(rx, 0, decision, ctx);

        List<RecordedEvent> stored = store.readAll(rx, ReadRange.all());
        assertThat(stored).hasSize(3);
        assertThat(stored).extracting(RecordedEvent::sequence).containsExactlyElementsOf(resent.sequences());
        assertThat(stored).extracting(RecordedEvent::commandId).containsOnly("impatient");
    }

    @Test
    void anOversizedEventIsRefusedAndNothingIsWritten() throws Exception {
        byte[] huge = new byte[(int) NATS.connection().getMaxPayload()];
        java.util.Arrays.fill(huge, (byte) 'x');
        EncodedEvent tooBig = new EncodedEvent("Blob", 1, huge);

        assertThatThrownBy(() -> store.append(rx, 0, List.of(tooBig), CommandContext.create()))
                .isInstanceOf(EventTooLarge.class)
                .hasMessageContaining("maximum payload");
        assertThatThrownBy(() -> store.append(rx, 0, List.of(dispensed(1), tooBig), CommandContext.create()))
                .isInstanceOf(EventTooLarge.class)
                .hasMessageContaining("event 1 (Blob)");
        assertThat(messagesInStream()).isZero();
    }

    @Test
    void readsOnlyTheTailAfterAVersion() {
        store.append(rx, 0, List.of(dispensed(1), dispensed(2)), CommandContext.create());
        long v = store.version(rx);
        store.append(rx, v, List.of(dispensed(3)), CommandContext.create());

        assertThat(store.readAll(rx, ReadRange.after(v)))
                .extracting(e -> EventDecoding.decode(store.name(), e, CODEC))
                .containsExactly(new Dispensed(3));
    }

    @Test
    void aMessageWithoutHeadersFailsTheReadNamingStreamSubjectAndSequence() throws Exception {
        long seq = NATS.connection()
                .jetStream()
                .publish(rx.subject(store.name().value()), "{}".getBytes(StandardCharsets.UTF_8))
                .getSeqno();

        assertThatThrownBy(() -> store.readAll(rx, ReadRange.all()))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("stream '" + store.name() + "'")
                .hasMessageContaining("subject '" + rx.subject(store.name().value()) + "'")
                .hasMessageContaining("sequence " + seq);
    }

    @Test
    void aMessageMissingARequiredHeaderFailsTheReadNamingTheHeader() throws Exception {
        Headers h = new Headers();
        h.put(NatsEventHeaders.TYPE, "Dispensed");
        h.put(NatsEventHeaders.SCHEMA_VERSION, "1");
        NATS.connection()
                .jetStream()
                .publish(rx.subject(store.name().value()), h, "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.readAll(rx, ReadRange.all()))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("type 'Dispensed'")
                .hasMessageContaining("required header " + NatsEventHeaders.EVENT_ID + " is missing");
    }

    private void publishForeign(String type, String payload) throws Exception {
        Headers h = new Headers();
        h.put(NatsEventHeaders.TYPE, type);
        h.put(NatsEventHeaders.SCHEMA_VERSION, "1");
        h.put(NatsEventHeaders.EVENT_ID, "foreign-1");
        h.put(NatsEventHeaders.TIME, "2026-01-01T00:00:00Z");
        h.put(NatsEventHeaders.COMMAND_ID, "someone-else");
        h.put(NatsEventHeaders.CORRELATION_ID, "someone-else");
        NATS.connection()
                .jetStream()
                .publish(rx.subject(store.name().value()), h, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aForeignMessageOfUnknownTypeFailsDecodingWithAClearError() throws Exception {
        publishForeign("Refilled", "{\"quantity\":1}");

        RecordedEvent e = store.readAll(rx, ReadRange.all()).get(0);

        assertThatThrownBy(() -> EventDecoding.decode(store.name(), e, CODEC))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("subject '" + rx.subject(store.name().value()) + "'")
                .hasMessageContaining("sequence " + e.sequence())
                .hasMessageContaining("type 'Refilled'")
                .hasMessageContaining("unknown event type");
    }

    @Test
    void aForeignMessageWithInvalidJsonFailsDecodingWithAClearError() throws Exception {
        publishForeign("Dispensed", "{quantity: 1");

        RecordedEvent e = store.readAll(rx, ReadRange.all()).get(0);

        assertThatThrownBy(() -> EventDecoding.decode(store.name(), e, CODEC))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("type 'Dispensed'")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void readsLeaveNoConsumersBehind() throws Exception {
        store.append(rx, 0, List.of(dispensed(1), dispensed(2)), CommandContext.create());
        store.readAll(rx, ReadRange.all());
        store.version(rx);

        JetStreamManagement jsm = NATS.connection().jetStreamManagement();
        assertThat(jsm.getConsumerNames(store.name().value())).isEmpty();
    }

    @Test
    void aReusedCommandIdOnAnotherEntityIsNotReportedAsSuccess() {
        CommandContext ctx = CommandContext.withCommandId("reused");
        store.append(rx, 0, List.of(dispensed(1), dispensed(2)), ctx);

        EntityRef other = EntityRef.of("prescription", "rx-43");
        assertThatThrownBy(() -> store.append(other, 0, List.of(dispensed(1), dispensed(2)), ctx))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("duplicate")
                .hasMessageContaining("reused");
        assertThat(store.readAll(other, ReadRange.all())).isEmpty();
    }

    @Test
    void optionalIsUsedForAbsentCausation() {
        store.append(rx, 0, List.of(dispensed(1)), CommandContext.create());

        assertThat(store.readAll(rx, ReadRange.all()).get(0).causationId()).isEqualTo(Optional.empty());
    }
}
