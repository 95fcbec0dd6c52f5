package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreContract;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EventStoreContract} on one nats-server, and what only the NATS store shows: its read paths (direct batch get,
 * then a consumer), its refusal messages, reading messages it did not write, an unknown outcome re-sent.
 */
class NatsEventStoreTest extends EventStoreContract {
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

    @Override
    protected EventStore store() {
        return store;
    }

    @Override
    protected List<ReplaySource> replaySources() {
        return List.of(new ReplaySource(
                store.name(),
                new NatsEventFeeds(NATS.connection(), store.name(), store.name().value())));
    }

    @Override
    protected int tooLargePayloadBytes() {
        return (int) NATS.connection().getMaxPayload();
    }

    private long messagesInStream() throws Exception {
        return NATS.connection()
                .jetStreamManagement()
                .getStreamInfo(store.name().value())
                .getStreamState()
                .getMsgCount();
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
    void aLongReadBoundedBeyondTheEndReturnsWhatIsThere() {
        long v = 0;
        for (int i = 0; i < 3; i++) { // 300 events: more than one batch direct get, then a consumer
            List<EncodedEvent> hundred = new ArrayList<>();
            for (int k = 0; k < 100; k++) {
                hundred.add(dispensed(i * 100 + k));
            }
            v = store.append(rx, v, hundred, CommandContext.create()).version();
        }

        // a read that waited for events past the end would fail with EventStoreUnavailable after the request timeout
        assertThat(store.readAll(rx, ReadRange.all().upToSequence(v + 1_000))).hasSize(300);
        assertThat(store.read(rx, ReadRange.after(v), e -> {}).eventsRead()).isZero();
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
    void anOversizedEventIsRefusedNamingItsIndexTypeAndTheLimit() throws Exception {
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
}
