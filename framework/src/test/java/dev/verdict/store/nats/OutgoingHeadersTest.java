package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import io.nats.client.impl.Headers;
import io.nats.client.support.IncomingHeadersProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutgoingHeadersTest {
    private static final Instant NOW = Instant.parse("2026-11-30T21:00:00.123456789Z");
    private static final EncodedEvent EVENT =
            new EncodedEvent("DrugDispensed", 3, "{}".getBytes(StandardCharsets.UTF_8));

    private static CommandContext everything() {
        return CommandContext.withCommandId("cmd-1")
                .correlatedWith("req-9")
                .causedBy("evt-0")
                .withMetadata("user", "u-7")
                .withMetadata("empty", "")
                .withMetadata("tenant", "a b ~ !");
    }

    /** What jnats reads back from the wire bytes: a parse independent of how the bytes were written. */
    private static Headers fromWire(Headers h) {
        return new IncomingHeadersProcessor(h.getSerialized()).getHeaders();
    }

    @Test
    void carriesExactlyTheHeadersOfNatsEventHeadersOf() {
        for (CommandContext context : List.of(CommandContext.withCommandId("cmd-1"), everything())) {
            for (int index : new int[] {0, 7}) {
                Headers expected = NatsEventHeaders.of(EVENT, index, "evt-1", NOW, context);
                OutgoingHeaders actual = NatsEventHeaders.outgoing(EVENT, index, "evt-1", NOW, context)
                        .build();

                assertThat(actual.toMap()).isEqualTo(expected.toMap());
                assertThat(fromWire(actual).toMap()).isEqualTo(expected.toMap());
                assertThat(actual.serializedLength()).isEqualTo(expected.serializedLength());
                assertThat(actual.getSerialized()).hasSize(expected.getSerialized().length);
                assertThat(actual).isEqualTo(expected);
                assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
                assertThat(actual.size()).isEqualTo(expected.size());
                for (String key : expected.keySet()) {
                    assertThat(actual.getFirst(key)).isEqualTo(expected.getFirst(key));
                    assertThat(actual.getLast(key)).isEqualTo(expected.getLast(key));
                    assertThat(actual.get(key)).isEqualTo(expected.get(key));
                    assertThat(actual.containsKey(key)).isTrue();
                    assertThat(actual.containsKeyIgnoreCase(key.toUpperCase())).isTrue();
                    assertThat(actual.getIgnoreCase(key.toLowerCase())).isEqualTo(expected.getIgnoreCase(key));
                }
                assertThat(actual.keySetIgnoreCase()).isEqualTo(expected.keySetIgnoreCase());
                assertThat(actual.getFirst("Absent")).isNull();
                assertThat(actual.toString()).hasSize(expected.toString().length());
            }
        }
    }

    @Test
    void writesTheWireFormatJnatsWrites() {
        OutgoingHeaders h = OutgoingHeaders.builder()
                .add("A", "1")
                .add("Nats-Msg-Id", "cmd:0")
                .build();

        assertThat(new String(h.getSerialized(), StandardCharsets.US_ASCII))
                .isEqualTo("NATS/1.0\r\nA:1\r\nNats-Msg-Id:cmd:0\r\n\r\n");
        assertThat(h.toString()).isEqualTo("A:1; Nats-Msg-Id:cmd:0;");
        byte[] dest = new byte[h.serializedLength() + 3];
        assertThat(h.serializeToArray(3, dest)).isEqualTo(h.serializedLength());
        assertThat(new String(dest, 3, h.serializedLength(), StandardCharsets.US_ASCII))
                .isEqualTo("NATS/1.0\r\nA:1\r\nNats-Msg-Id:cmd:0\r\n\r\n");
    }

    @Test
    void isReadOnlySoJnatsSendsItWithoutACopy() {
        OutgoingHeaders h = OutgoingHeaders.builder().add("A", "1").build();

        assertThat(h.isReadOnly()).isTrue();
        assertThat(h.isEmpty()).isFalse();
        assertThat(h.isDirty()).isFalse();
        assertThatThrownBy(() -> h.put("B", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.add("A", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.remove("A")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(h::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThat(OutgoingHeaders.builder().build().isEmpty()).isTrue();
    }

    @Test
    void refusesWhatJnatsRefuses() {
        for (String badKey : new String[] {"", "a:b", "a b", "ä", "a\u0001"}) {
            assertThatThrownBy(() -> new Headers().put(badKey, "v")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> OutgoingHeaders.builder().add(badKey, "v").build())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String badValue : new String[] {"a\rb", "a\nb", "\u00e4"}) {
            assertThatThrownBy(() -> new Headers().put("K", badValue)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(
                            () -> OutgoingHeaders.builder().add("K", badValue).build())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> OutgoingHeaders.builder().add("K", "1").add("K", "2"))
                .isInstanceOf(IllegalStateException.class);
        // a null value is ignored, as Headers.put ignores it
        assertThat(OutgoingHeaders.builder().add("K", null).build().toMap()).isEqualTo(Map.of());
    }

    @Test
    void growsBeyondItsInitialCapacity() {
        OutgoingHeaders.Builder b = OutgoingHeaders.builder();
        Headers expected = new Headers();
        for (int i = 0; i < 40; i++) {
            b.add("K-" + i, "v" + i);
            expected.put("K-" + i, "v" + i);
        }
        OutgoingHeaders h = b.build();
        assertThat(h).isEqualTo(expected);
        assertThat(fromWire(h).toMap()).isEqualTo(expected.toMap());
    }
}
