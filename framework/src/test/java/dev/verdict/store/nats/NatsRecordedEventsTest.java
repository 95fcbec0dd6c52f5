package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NatsRecordedEventsTest {
    private static final StoreName STORE = StoreName.of("pharmacy");
    private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");

    private static Headers headers() {
        EncodedEvent e = new EncodedEvent("InvoiceIssued", 2, "{}".getBytes(StandardCharsets.UTF_8));
        return NatsEventHeaders.of(
                e,
                1,
                "evt-1",
                NOW,
                CommandContext.withCommandId("cmd-1").causedBy("evt-0").withMetadata("user", "u-7"));
    }

    @Test
    void readsEveryHeaderBackAndTheLastSubjectTokenAsTheId() {
        RecordedEvent e = NatsRecordedEvents.from(
                STORE, "pharmacy", "pharmacy.billing.invoice.inv-7", 42, NOW, headers(), new byte[] {'{', '}'});

        assertThat(e.entity()).isEqualTo(EntityRef.of("billing.invoice", "inv-7"));
        assertThat(e.sequence()).isEqualTo(42);
        assertThat(e.type()).isEqualTo("InvoiceIssued");
        assertThat(e.event().schemaVersion()).isEqualTo(2);
        assertThat(e.eventId()).isEqualTo("evt-1");
        assertThat(e.time()).isEqualTo(NOW);
        assertThat(e.commandId()).isEqualTo("cmd-1");
        assertThat(e.correlationId()).isEqualTo("cmd-1");
        assertThat(e.causationId()).contains("evt-0");
        assertThat(e.metadata()).containsExactlyEntriesOf(java.util.Map.of("user", "u-7"));
    }

    @Test
    void writesTheCorrelationIdOnlyWhenItDiffersFromTheCommandId() {
        EncodedEvent e = new EncodedEvent("InvoiceIssued", 1, "{}".getBytes(StandardCharsets.UTF_8));
        Headers own = NatsEventHeaders.of(e, 0, "evt-1", NOW, CommandContext.withCommandId("cmd-1"));
        Headers other = NatsEventHeaders.of(
                e, 0, "evt-2", NOW, CommandContext.withCommandId("cmd-2").correlatedWith("req-9"));

        assertThat(own.containsKey(NatsEventHeaders.CORRELATION_ID)).isFalse();
        assertThat(other.getFirst(NatsEventHeaders.CORRELATION_ID)).isEqualTo("req-9");
        assertThat(NatsRecordedEvents.from(STORE, "pharmacy", "pharmacy.billing.inv-7", 5, NOW, own, new byte[0])
                        .correlationId())
                .isEqualTo("cmd-1");
        assertThat(NatsRecordedEvents.from(STORE, "pharmacy", "pharmacy.billing.inv-7", 6, NOW, other, new byte[0])
                        .correlationId())
                .isEqualTo("req-9");
    }

    @Test
    void writesTheMessageIdOfTheEventsIndex() {
        assertThat(headers().getFirst(NatsEventHeaders.MSG_ID)).isEqualTo("cmd-1:1");
    }

    @Test
    void refusesASubjectOutsideTheStore() {
        assertThatThrownBy(() -> NatsRecordedEvents.from(
                        STORE, "pharmacy", "other.billing.inv-7", 3, NOW, headers(), new byte[0]))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("not of the form pharmacy.<category>.<id>");
    }

    @Test
    void refusesAMalformedSchemaVersion() {
        Headers h = headers();
        h.put(NatsEventHeaders.SCHEMA_VERSION, "two");

        assertThatThrownBy(() ->
                        NatsRecordedEvents.from(STORE, "pharmacy", "pharmacy.billing.inv-7", 3, NOW, h, new byte[0]))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("sequence 3")
                .hasMessageContaining("'two' is not a number");
    }

    @Test
    void refusesAMessageWithoutHeaders() {
        assertThatThrownBy(() -> NatsRecordedEvents.from(
                        STORE, "pharmacy", "pharmacy.billing.inv-7", 3, NOW, new Headers(), new byte[0]))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("no headers");
    }
}
