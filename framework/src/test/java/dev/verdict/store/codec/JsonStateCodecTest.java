package dev.verdict.store.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonStateCodecTest {

    enum Status {
        OPEN,
        CLOSED
    }

    record Dispense(int quantity) {}

    record Rx(String drug, int remaining, Status status, List<Dispense> dispenses) {}

    /** Same shape as {@link Rx} under another class name. */
    record RenamedRx(String drug, int remaining, Status status, List<Dispense> dispenses) {}

    record RxWithExtraField(String drug, int remaining, Status status, List<Dispense> dispenses, boolean urgent) {}

    record RetypedRx(String drug, long remaining, Status status, List<Dispense> dispenses) {}

    record OtherDispense(int amount) {}

    record RxWithNestedChange(String drug, int remaining, Status status, List<OtherDispense> dispenses) {}

    record Node(String name, List<Node> children) {}

    @Test
    void decodesWhatItEncodes() {
        JsonStateCodec<Rx> codec = JsonStateCodec.of(Rx.class);
        Rx state = new Rx("aspirin", 3, Status.OPEN, List.of(new Dispense(2)));

        assertThat(codec.decode(codec.encode(state))).isEqualTo(state);
    }

    @Test
    void fingerprintIsStableForTheSameShape() {
        assertThat(JsonStateCodec.of(Rx.class).fingerprint())
                .isEqualTo(JsonStateCodec.of(Rx.class).fingerprint())
                .isEqualTo(JsonStateCodec.of(RenamedRx.class).fingerprint())
                .hasSize(16);
    }

    @Test
    void fingerprintChangesWhenAFieldIsAdded() {
        assertThat(JsonStateCodec.of(RxWithExtraField.class).fingerprint())
                .isNotEqualTo(JsonStateCodec.of(Rx.class).fingerprint());
    }

    @Test
    void fingerprintChangesWhenAFieldIsRetyped() {
        assertThat(JsonStateCodec.of(RetypedRx.class).fingerprint())
                .isNotEqualTo(JsonStateCodec.of(Rx.class).fingerprint());
    }

    @Test
    void fingerprintChangesWhenANestedRecordChanges() {
        assertThat(JsonStateCodec.of(RxWithNestedChange.class).fingerprint())
                .isNotEqualTo(JsonStateCodec.of(Rx.class).fingerprint());
    }

    @Test
    void shapeDescribesComponentsRecursively() {
        assertThat(JsonStateCodec.shapeOf(Rx.class))
                .isEqualTo("{drug:java.lang.String,remaining:int,status:enum(OPEN|CLOSED),"
                        + "dispenses:java.util.List<{quantity:int}>}");
    }

    @Test
    void shapeOfARecursiveTypeTerminates() {
        assertThat(JsonStateCodec.shapeOf(Node.class))
                .isEqualTo("{name:java.lang.String,children:java.util.List<^Node>}");
    }

    @Test
    void userCanOverrideOrSaltTheFingerprint() {
        JsonStateCodec<Rx> codec = JsonStateCodec.of(Rx.class);

        assertThat(codec.withFingerprint("rx-v7").fingerprint()).isEqualTo("rx-v7");
        assertThat(codec.withFingerprintSalt("evolve-v2").fingerprint())
                .isNotEqualTo(codec.fingerprint())
                .isEqualTo(codec.withFingerprintSalt("evolve-v2").fingerprint());
    }

    @Test
    void refusesBytesThatAreNotAState() {
        JsonStateCodec<Rx> codec = JsonStateCodec.of(Rx.class);

        assertThatThrownBy(() -> codec.decode("{broken".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON");
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mapsAreDescribedWithTheirTypeArguments() {
        record Counts(Map<String, Integer> byDrug) {}

        assertThat(JsonStateCodec.shapeOf(Counts.class))
                .isEqualTo("{byDrug:java.util.Map<java.lang.String,java.lang.Integer>}");
    }
}
