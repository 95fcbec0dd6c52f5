package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.EncodedEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An upcast event is bound from its JSON tree, a current one from its bytes: the two bindings give the same event
 * for the same JSON – exact numbers, instants, nested records, untyped values – and refuse the same misfits with the
 * same message. Each payload is decoded once as the current version (bytes) and once as version 1 through an
 * upcaster that changes nothing (tree).
 */
class UpcastBindingTest {
    sealed interface LedgerEvent permits Booked {}

    record Line(String drug, int quantity) {}

    @EventType(value = "Booked", version = 2)
    record Booked(
            String account,
            int count,
            long cents,
            BigDecimal amount,
            Instant at,
            List<Line> lines,
            Map<String, Object> extra)
            implements LedgerEvent {}

    private static final JsonEventCodec<LedgerEvent> CODEC = JsonEventCodec.builder(LedgerEvent.class)
            .upcaster(Upcaster.of("Booked", 1, json -> json))
            .build();

    private static final String GOOD = "{\"account\":\"a-1\",\"count\":3,\"cents\":12345678901,\"amount\":100.10,"
            + "\"at\":\"2026-01-02T03:04:05.123456789Z\",\"lines\":[{\"drug\":\"aspirin\",\"quantity\":2}],"
            + "\"extra\":{\"rate\":0.50,\"big\":123456789012345678901234567890,\"n\":7,\"s\":\"x\",\"z\":null}}";

    private static EncodedEvent stored(int version, String json) {
        return new EncodedEvent("Booked", version, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTreeBindsToTheEventTheBytesBindTo() {
        assertThat(CODEC.upcastsDirectly("Booked", 1)).isTrue();
        LedgerEvent fromBytes = CODEC.decode(stored(2, GOOD));
        LedgerEvent fromTree = CODEC.decode(stored(1, GOOD));
        assertThat(fromTree).isEqualTo(fromBytes);
        Booked booked = (Booked) fromTree;
        assertThat(booked.amount()).isEqualTo(new BigDecimal("100.10")); // scale kept: equals, not compareTo
        assertThat(booked.extra().get("rate")).isEqualTo(new BigDecimal("0.50"));
        assertThat(booked.at()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123456789Z"));
        assertThat(CODEC.decodeAll(stored(1, GOOD))).isEqualTo(CODEC.decodeAll(stored(2, GOOD)));
    }

    @Test
    void theTreeRefusesWhatTheBytesRefuseWithTheSameMessage() {
        List<String> misfits = List.of(
                GOOD.replace("\"count\":3,", "\"count\":3,\"unknown\":1,"), // unknown property
                GOOD.replace("\"count\":3,", "\"count\":null,"), // null primitive
                GOOD.replace("\"count\":3,", ""), // missing primitive
                GOOD.replace("\"count\":3,", "\"count\":\"three\","), // wrong type
                GOOD.replace("2026-01-02T03:04:05.123456789Z", "yesterday"), // not an instant
                GOOD.replace("{\"drug\":\"aspirin\",\"quantity\":2}", "{\"drug\":\"aspirin\",\"qty\":2}"));
        for (String json : misfits) {
            String fromBytes = messageOf(stored(2, json));
            assertThat(fromBytes).startsWith("payload does not fit " + Booked.class.getName());
            assertThat(messageOf(stored(1, json))).as(json).isEqualTo(fromBytes);
        }
    }

    private static String messageOf(EncodedEvent e) {
        try {
            CODEC.decode(e);
        } catch (IllegalArgumentException ex) {
            return ex.getMessage();
        }
        throw new AssertionError("decoding did not fail: " + new String(e.payload(), StandardCharsets.UTF_8));
    }
}
