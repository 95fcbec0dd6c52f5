package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventUpcasterTest {

    sealed interface StockEvent permits Received, Counted, Written {}

    @EventType(value = "StockReceived", version = 2)
    record Received(String drug, int quantity, String lot) implements StockEvent {}

    record Counted(String drug, int counted) implements StockEvent {}

    record Written(String drug, int quantity) implements StockEvent {}

    private static EncodedEvent json(String type, int version, String json) {
        return new EncodedEvent(type, version, json.getBytes(StandardCharsets.UTF_8));
    }

    /** "Adjusted" v1 (retired) meant received and counted; "Reserved" (retired) means nothing now; "Lost" became Written. */
    static final JsonEventCodec<StockEvent> CODEC = JsonEventCodec.builder(StockEvent.class)
            .upcaster(Upcaster.of("StockReceived", 1, j -> j.put("lot", "unknown")))
            .upcaster(EventUpcaster.split(
                    "Adjusted",
                    1,
                    j -> List.of(
                            new UpcastEvent("StockReceived", 1, j.deepCopy().retain("drug", "quantity")),
                            new UpcastEvent("Counted", 1, j.retain("drug", "counted")))))
            .upcaster(EventUpcaster.drop("Reserved", 1))
            .upcaster(Upcaster.of(
                    "Lost", 1, j -> j.put("quantity", j.path("units").asInt())))
            .upcaster(EventUpcaster.retype("Lost", 2, "Written", 1, j -> j.retain("drug", "quantity")))
            .build();

    @Test
    void aSplitEventBecomesSeveralCurrentEventsInOrderEachThroughItsOwnChain() {
        List<StockEvent> events =
                CODEC.decodeAll(json("Adjusted", 1, "{\"drug\":\"aspirin\",\"quantity\":5,\"counted\":7}"));

        assertThat(events).containsExactly(new Received("aspirin", 5, "unknown"), new Counted("aspirin", 7));
    }

    @Test
    void aDroppedEventIsReadAsNone() {
        assertThat(CODEC.decodeAll(json("Reserved", 1, "{\"drug\":\"aspirin\"}")))
                .isEmpty();
    }

    @Test
    void aRetiredTypeTurnsIntoAnotherAfterItsOwnOneToOneSteps() {
        assertThat(CODEC.decodeAll(json("Lost", 1, "{\"drug\":\"aspirin\",\"units\":3}")))
                .containsExactly(new Written("aspirin", 3));
        assertThat(CODEC.decode(json("Lost", 2, "{\"drug\":\"aspirin\",\"quantity\":4}")))
                .isEqualTo(new Written("aspirin", 4));
    }

    @Test
    void decodeOfOneEventRefusesASplitOrADropNamingDecodeAll() {
        assertThatThrownBy(() -> CODEC.decode(json("Reserved", 1, "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upcasts to 0 events")
                .hasMessageContaining("decodeAll");
        assertThatThrownBy(() -> CODEC.decode(json("Adjusted", 1, "{\"drug\":\"a\",\"quantity\":1,\"counted\":1}")))
                .hasMessageContaining("upcasts to 2 events");
    }

    @Test
    void upcastGivesTheCurrentJsonAndUpcastStepOneStepOfTheChain() {
        EncodedEvent adjusted = json("Adjusted", 1, "{\"drug\":\"a\",\"quantity\":1,\"counted\":2}");

        assertThat(CODEC.upcast(adjusted))
                .containsExactly(
                        json("StockReceived", 2, "{\"drug\":\"a\",\"quantity\":1,\"lot\":\"unknown\"}"),
                        json("Counted", 1, "{\"drug\":\"a\",\"counted\":2}"));
        assertThat(CODEC.upcastStep(adjusted).orElseThrow())
                .containsExactly(
                        json("StockReceived", 1, "{\"drug\":\"a\",\"quantity\":1}"),
                        json("Counted", 1, "{\"drug\":\"a\",\"counted\":2}"));
        assertThat(CODEC.upcastStep(CODEC.encode(new Counted("a", 1)))).isEmpty();
    }

    @Test
    void readsTellsWhichStoredTypesAndVersionsHaveAPath() {
        assertThat(CODEC.reads("StockReceived", 1)).isTrue();
        assertThat(CODEC.reads("StockReceived", 2)).isTrue();
        assertThat(CODEC.reads("StockReceived", 3)).isFalse();
        assertThat(CODEC.reads("Adjusted", 1)).isTrue();
        assertThat(CODEC.reads("Adjusted", 2)).isFalse();
        assertThat(CODEC.reads("Counted", 1)).isTrue();
        assertThat(CODEC.reads("Unknown", 1)).isFalse();
    }

    @Test
    void aRetiredTypeWithoutAStepThatEndsItIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> JsonEventCodec.builder(StockEvent.class)
                        .upcaster(Upcaster.of("Gone", 1, j -> j))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event type 'Gone'");
        assertThatThrownBy(() -> JsonEventCodec.builder(StockEvent.class)
                        .upcaster(EventUpcaster.drop("Gone", 1))
                        .upcaster(Upcaster.of("Gone", 2, j -> j))
                        .build())
                .hasMessageContaining("'Gone' is a retired type")
                .hasMessageContaining("from version 2");
    }

    @Test
    void twoUpcastersOfOneTypeAndVersionAreRefused() {
        assertThatThrownBy(() -> JsonEventCodec.builder(StockEvent.class)
                        .upcaster(Upcaster.of("StockReceived", 1, j -> j))
                        .upcaster(EventUpcaster.drop("StockReceived", 1))
                        .build())
                .hasMessageContaining("two upcasters of 'StockReceived' from version 1");
    }

    @Test
    void aChainThatDoesNotMoveForwardOrCyclesIsRefusedWhenRead() {
        JsonEventCodec<StockEvent> backwards = JsonEventCodec.builder(StockEvent.class)
                .upcaster(EventUpcaster.retype("StockReceived", 1, "StockReceived", 1, j -> j))
                .build();
        assertThatThrownBy(() -> backwards.decodeAll(json("StockReceived", 1, "{}")))
                .hasMessageContaining("the chain must move forward");

        JsonEventCodec<StockEvent> cycle = JsonEventCodec.builder(StockEvent.class)
                .upcaster(EventUpcaster.retype("A", 1, "B", 1, j -> j))
                .upcaster(EventUpcaster.retype("B", 1, "A", 1, j -> j))
                .build();
        assertThatThrownBy(() -> cycle.decodeAll(json("A", 1, "{}"))).hasMessageContaining("cycle");
    }

    @Test
    void anUnknownTypeAndAVersionOfARetiredTypeWithoutAPathAreRefused() {
        assertThatThrownBy(() -> CODEC.decodeAll(json("Nope", 1, "{}")))
                .hasMessageContaining("unknown event type 'Nope'");
        assertThatThrownBy(() -> CODEC.decodeAll(json("Reserved", 2, "{}")))
                .hasMessageContaining("no upcaster for 'Reserved' from schema version 2 (a retired type)");
    }

    @Test
    void eventsOfASplitDoNotShareTheirJson() {
        JsonEventCodec<StockEvent> sharing = JsonEventCodec.builder(StockEvent.class)
                .upcaster(EventUpcaster.split(
                        "Twice",
                        1,
                        j -> List.of(new UpcastEvent("StockReceived", 1, j), new UpcastEvent("StockReceived", 1, j))))
                .upcaster(Upcaster.of("StockReceived", 1, j -> j.put("lot", "L" + j.size())))
                .build();

        assertThat(sharing.decodeAll(json("Twice", 1, "{\"drug\":\"a\",\"quantity\":1}")))
                .containsExactly(new Received("a", 1, "L2"), new Received("a", 1, "L2"));
    }
}
