package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hot path of upcasting – a stored version that 1:1 upcasters alone lift, resolved when the codec is built –
 * gives exactly what the general walk of the chain gives: the same events and the same errors. The general walk is
 * forced by expressing the same steps as {@link EventUpcaster}s (which the hot path never takes).
 */
class DirectUpcastPathTest {
    sealed interface DoseEvent permits Prescribed {}

    @EventType(value = "Prescribed", version = 3)
    record Prescribed(String drug, int quantity, String unit) implements DoseEvent {}

    private static final Upcaster RENAME = Upcaster.of("Prescribed", 1, j -> {
        j.set("quantity", j.remove("units"));
        return j;
    });
    private static final Upcaster UNIT = Upcaster.of("Prescribed", 2, j -> j.put("unit", "tablet"));

    private static final JsonEventCodec<DoseEvent> DIRECT = JsonEventCodec.builder(DoseEvent.class)
            .upcaster(RENAME)
            .upcaster(UNIT)
            .build();
    private static final JsonEventCodec<DoseEvent> WALKED = JsonEventCodec.builder(DoseEvent.class)
            .upcaster(EventUpcaster.of(RENAME))
            .upcaster(EventUpcaster.of(UNIT))
            .build();

    private static EncodedEvent json(int version, String json) {
        return new EncodedEvent("Prescribed", version, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyStoredVersionDecodesAsTheWalkedChainDecodesIt() {
        List<EncodedEvent> stored = List.of(
                json(1, "{\"drug\":\"aspirin\",\"units\":2}"),
                json(2, "{\"drug\":\"aspirin\",\"quantity\":2}"),
                json(3, "{\"drug\":\"aspirin\",\"quantity\":2,\"unit\":\"tablet\"}"));
        for (EncodedEvent e : stored) {
            assertThat(DIRECT.decode(e)).isEqualTo(new Prescribed("aspirin", 2, "tablet"));
            assertThat(DIRECT.decode(e)).isEqualTo(WALKED.decode(e));
            assertThat(DIRECT.decodeAll(e)).isEqualTo(WALKED.decodeAll(e));
        }
        assertThat(DIRECT.upcastsDirectly("Prescribed", 1)).isTrue();
        assertThat(WALKED.upcastsDirectly("Prescribed", 1)).isFalse();
    }

    @Test
    void aFailingUpcasterAndABadPayloadFailAlikeOnBothPaths() {
        JsonEventCodec<DoseEvent> failingDirect = JsonEventCodec.builder(DoseEvent.class)
                .upcaster(Upcaster.of("Prescribed", 1, j -> {
                    throw new IllegalStateException("no units");
                }))
                .upcaster(UNIT)
                .build();
        JsonEventCodec<DoseEvent> nullDirect = JsonEventCodec.builder(DoseEvent.class)
                .upcaster(RENAME)
                .upcaster(Upcaster.of("Prescribed", 2, j -> null))
                .build();
        EncodedEvent v1 = json(1, "{\"drug\":\"aspirin\",\"units\":2}");
        assertThatThrownBy(() -> failingDirect.decode(v1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the upcaster of 'Prescribed' from version 1 failed: no units");
        assertThatThrownBy(() -> nullDirect.decode(v1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the upcaster of 'Prescribed' from version 2 failed: the upcaster of 'Prescribed' from"
                        + " version 2 returned null");
        for (EncodedEvent bad :
                List.of(json(1, "[1]"), json(1, "{\"drug\":\"aspirin\",\"units\":\"two\"}"), json(1, "{\"drug\":"))) {
            String walked = messageOf(() -> WALKED.decode(bad));
            assertThat(messageOf(() -> DIRECT.decode(bad))).isEqualTo(walked);
        }
    }

    private static String messageOf(Runnable decode) {
        try {
            decode.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("decoding did not fail");
    }
}
