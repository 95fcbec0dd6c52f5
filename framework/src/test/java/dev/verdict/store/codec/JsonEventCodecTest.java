package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonEventCodecTest {

    sealed interface RxEvent permits Ordered, Dispensed, Closing {}

    @EventType(value = "PrescriptionOrdered", version = 3)
    record Ordered(String drug, int quantity, String unit) implements RxEvent {}

    record Dispensed(int quantity, Instant at) implements RxEvent {}

    sealed interface Closing extends RxEvent permits Cancelled {}

    record Cancelled(String reason) implements Closing {}

    private static EncodedEvent json(String type, int version, String json) {
        return new EncodedEvent(type, version, json.getBytes(StandardCharsets.UTF_8));
    }

    private final JsonEventCodec<RxEvent> codec = JsonEventCodec.builder(RxEvent.class)
            .upcaster(Upcaster.of("PrescriptionOrdered", 1, j -> j.put("quantity", 1)))
            .upcaster(Upcaster.of("PrescriptionOrdered", 2, j -> j.put("unit", "box")))
            .build();

    @Test
    void storesTheSimpleClassNameAtVersionOneByDefault() {
        EncodedEvent e = codec.encode(new Dispensed(2, Instant.parse("2026-01-02T03:04:05Z")));

        assertThat(e.type()).isEqualTo("Dispensed");
        assertThat(e.schemaVersion()).isEqualTo(1);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"quantity\":2,\"at\":\"2026-01-02T03:04:05Z\"}");
    }

    @Test
    void storesTheAnnotatedNameAndVersion() {
        EncodedEvent e = codec.encode(new Ordered("ibuprofen", 3, "box"));

        assertThat(e.type()).isEqualTo("PrescriptionOrdered");
        assertThat(e.schemaVersion()).isEqualTo(3);
    }

    @Test
    void decodesWhatItEncodes() {
        RxEvent event = new Cancelled("patient request");

        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void upcastsOldSchemaVersionsThroughTheWholeChain() {
        RxEvent decoded = codec.decode(json("PrescriptionOrdered", 1, "{\"drug\":\"aspirin\"}"));

        assertThat(decoded).isEqualTo(new Ordered("aspirin", 1, "box"));
    }

    @Test
    void upcastsFromAMiddleVersion() {
        RxEvent decoded = codec.decode(json("PrescriptionOrdered", 2, "{\"drug\":\"aspirin\",\"quantity\":5}"));

        assertThat(decoded).isEqualTo(new Ordered("aspirin", 5, "box"));
    }

    @Test
    void refusesAnUnknownTypeNamingIt() {
        assertThatThrownBy(() -> codec.decode(json("Refilled", 1, "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event type 'Refilled'");
    }

    @Test
    void refusesAPayloadThatIsNotJson() {
        assertThatThrownBy(() -> codec.decode(json("Cancelled", 1, "{not json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesJsonThatDoesNotFitTheRecord() {
        assertThatThrownBy(() -> codec.decode(json("Dispensed", 1, "{\"quantity\":\"many\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
    }

    @Test
    void refusesASchemaVersionNewerThanTheCode() {
        assertThatThrownBy(() -> codec.decode(json("Dispensed", 2, "{\"quantity\":1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("newer than the current version 1");
    }

    @Test
    void refusesAnOldVersionWithoutUpcasters() {
        JsonEventCodec<RxEvent> noUpcasters = JsonEventCodec.of(RxEvent.class);

        assertThatThrownBy(() -> noUpcasters.decode(json("PrescriptionOrdered", 1, "{\"drug\":\"a\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no upcaster for 'PrescriptionOrdered' from schema version 1");
    }

    @Test
    void refusesAGapInTheUpcasterChainWhenBuilt() {
        assertThatThrownBy(() -> JsonEventCodec.builder(RxEvent.class)
                        .upcaster(Upcaster.of("PrescriptionOrdered", 1, j -> j))
                        .type(Ordered.class, "PrescriptionOrdered", 4)
                        .upcaster(Upcaster.of("PrescriptionOrdered", 3, j -> j))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gap");
    }

    @Test
    void refusesAnUpcasterForAnUnknownType() {
        assertThatThrownBy(() -> JsonEventCodec.builder(RxEvent.class)
                        .upcaster(Upcaster.of("Nope", 1, j -> j))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event type 'Nope'");
    }

    @Test
    void readsEventsStoredUnderAnAlias() {
        JsonEventCodec<RxEvent> renamed = JsonEventCodec.builder(RxEvent.class)
                .alias("Withdrawn", Cancelled.class)
                .build();

        assertThat(renamed.decode(json("Withdrawn", 1, "{\"reason\":\"r\"}"))).isEqualTo(new Cancelled("r"));
    }

    sealed interface Clashing permits A, B {}

    @EventType("Same")
    record A() implements Clashing {}

    @EventType("Same")
    record B() implements Clashing {}

    @Test
    void refusesDuplicateNamesWhenBuilt() {
        assertThatThrownBy(() -> JsonEventCodec.of(Clashing.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event type name 'Same' is used by both");
    }

    sealed interface WithClass permits Good, NotARecord {}

    record Good() implements WithClass {}

    static final class NotARecord implements WithClass {}

    @Test
    void refusesASubtypeThatIsNotARecord() {
        assertThatThrownBy(() -> JsonEventCodec.of(WithClass.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NotARecord")
                .hasMessageContaining("neither a record nor a sealed interface");
    }

    sealed interface Open permits Fine, Anything {}

    record Fine() implements Open {}

    non-sealed interface Anything extends Open {}

    @Test
    void refusesANonSealedSubtype() {
        assertThatThrownBy(() -> JsonEventCodec.of(Open.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Anything");
    }

    interface Unsealed {}

    record Listed(int n) implements Unsealed {}

    record Unlisted(int n) implements Unsealed {}

    @Test
    void refusesToEncodeAnUnregisteredTypeOfAnUnsealedRoot() {
        JsonEventCodec<Unsealed> explicit =
                JsonEventCodec.builder(Unsealed.class).types(Listed.class).build();

        assertThat(explicit.decode(explicit.encode(new Listed(1)))).isEqualTo(new Listed(1));
        assertThatThrownBy(() -> explicit.encode(new Unlisted(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a registered event type");
    }

    @Test
    void refusesAnUnsealedRootWithoutRegistrations() {
        assertThatThrownBy(() -> EventTypeRegistry.of(Unsealed.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not sealed");
    }
}
