package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import dev.verdict.store.codec.EventType;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.codec.Upcaster;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PersonalDataCodec}: what is stored, what is read back before and after erasure, what is refused. */
class PersonalDataCodecTest {
    sealed interface PatientEvent permits Registered, Renamed, Noted {}

    record Registered(@DataSubject String patientId, PersonalData<String> name, PersonalData<LocalDate> birthDate)
            implements PatientEvent {}

    @EventType(value = "Renamed", version = 2)
    record Renamed(@DataSubject String patientId, PersonalData<String> name, String reason) implements PatientEvent {}

    record Noted(String patientId, int count) implements PatientEvent {}

    record Patient(@DataSubject String patientId, PersonalData<String> name, int prescriptions) {}

    record NoSubject(PersonalData<String> name) {}

    record Inner(PersonalData<String> name) {}

    record Nested(@DataSubject String id, List<Inner> inner) {}

    private static final String NAME = "Ada Lovelace";
    private static final LocalDate BORN = LocalDate.of(1815, 12, 10);

    private final DataKeys keys = DataKeys.inMemory();
    private final JsonEventCodec<PatientEvent> plain = JsonEventCodec.builder(PatientEvent.class)
            .upcaster(Upcaster.of(
                    "Renamed",
                    1,
                    json -> json.put("reason", "v1:" + json.path("name").asText())))
            .build();
    private final EventCodec<PatientEvent> codec = PersonalDataCodec.events(plain, keys);
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void storesPersonalFieldsEncryptedAndReadsThemBack() throws Exception {
        EncodedEvent stored = codec.encode(new Registered("p-1", PersonalData.of(NAME), PersonalData.of(BORN)));

        String text = new String(stored.payload(), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("Ada").doesNotContain("1815").contains("\"patientId\":\"p-1\"");
        JsonNode tree = json.readTree(stored.payload());
        assertThat(tree.get("name").get("kid").asText()).isEqualTo("p-1");
        byte[] sealed = Base64.getDecoder().decode(tree.get("name").get("$pd").asText());
        assertThat(sealed.length).as("iv + ciphertext + tag").isEqualTo(12 + "\"Ada Lovelace\"".length() + 16);

        Registered back = (Registered) codec.decode(stored);
        assertThat(back.name()).isEqualTo(PersonalData.of(NAME));
        assertThat(back.birthDate()).isEqualTo(PersonalData.of(BORN));
    }

    @Test
    void eventsWithoutPersonalDataAreStoredExactlyAsBefore() {
        Noted noted = new Noted("p-1", 3);
        assertThat(codec.encode(noted).payload()).isEqualTo(plain.encode(noted).payload());
        assertThat(codec.decode(plain.encode(noted))).isEqualTo(noted);
    }

    @Test
    void afterErasureTheFieldsReadAsErasedAndOtherSubjectsAreUntouched() {
        EncodedEvent one = codec.encode(new Registered("p-1", PersonalData.of(NAME), PersonalData.of(BORN)));
        EncodedEvent two = codec.encode(new Registered("p-2", PersonalData.of("Grace"), PersonalData.of(BORN)));

        DataKeys.Erasure first = keys.erase("p-1");
        assertThat(first.repeated()).isFalse();

        Registered erased = (Registered) codec.decode(one);
        assertThat(erased.patientId()).isEqualTo("p-1");
        assertThat(erased.name().isErased()).isTrue();
        assertThat(erased.birthDate()).isEqualTo(PersonalData.erased());
        assertThat(((Registered) codec.decode(two)).name()).isEqualTo(PersonalData.of("Grace"));

        DataKeys.Erasure again = keys.erase("p-1");
        assertThat(again.repeated()).isTrue();
        assertThat(again.erasedAt()).isEqualTo(first.erasedAt());
    }

    @Test
    void personalDataOfAnErasedSubjectIsNeverStored() {
        keys.erase("p-1");
        EncodedEvent stored = codec.encode(new Registered("p-1", PersonalData.of(NAME), PersonalData.of(BORN)));
        assertThat(new String(stored.payload(), StandardCharsets.UTF_8))
                .doesNotContain("Ada")
                .contains("{\"$erased\":true}");
        assertThat(((Registered) codec.decode(stored)).name().isErased()).isTrue();
    }

    @Test
    void anErasedValueRoundTrips() {
        Registered r = new Registered("p-3", PersonalData.erased(), PersonalData.of(BORN));
        assertThat(codec.decode(codec.encode(r))).isEqualTo(r);
    }

    @Test
    void upcastersSeeTheDecryptedJson() throws Exception {
        ObjectNode v1 = json.createObjectNode().put("patientId", "p-4").put("name", "Old Name");
        EncodedEvent plainV1 = new EncodedEvent("Renamed", 1, json.writeValueAsBytes(v1));
        // an old event written before encryption is read as it was
        assertThat(codec.decode(plainV1)).isEqualTo(new Renamed("p-4", PersonalData.of("Old Name"), "v1:Old Name"));
    }

    @Test
    void alteredCiphertextIsADecodingFailureNotAnErasure() throws Exception {
        EncodedEvent stored = codec.encode(new Registered("p-5", PersonalData.of(NAME), PersonalData.of(BORN)));
        ObjectNode tree = (ObjectNode) json.readTree(stored.payload());
        // the sealed name moved to another subject: the subject is authenticated, so it does not decrypt
        ((ObjectNode) tree.get("name")).put("kid", "p-6");
        keys.keyForWriting("p-6");
        EncodedEvent moved = new EncodedEvent(stored.type(), stored.schemaVersion(), json.writeValueAsBytes(tree));
        assertThatThrownBy(() -> codec.decode(moved))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'name' does not decrypt")
                .hasMessageNotContaining("Ada");
    }

    @Test
    void statesAreSealedWithTheSameFingerprint() {
        JsonStateCodec<Patient> inner = JsonStateCodec.of(Patient.class);
        StateCodec<Patient> states = PersonalDataCodec.state(inner, keys);
        Patient p = new Patient("p-7", PersonalData.of(NAME), 2);
        byte[] stored = states.encode(p);
        assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("Ada");
        assertThat(states.decode(stored)).isEqualTo(p);
        assertThat(states.fingerprint()).isEqualTo(inner.fingerprint());

        keys.erase("p-7");
        assertThat(states.decode(stored)).isEqualTo(new Patient("p-7", PersonalData.erased(), 2));
    }

    @Test
    void refusesPersonalDataWithoutOneDataSubject() {
        assertThatThrownBy(() -> PersonalDataCodec.state(JsonStateCodec.of(NoSubject.class), keys))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no @DataSubject");
    }

    @Test
    void refusesNestedPersonalDataThatWouldBeStoredInTheClear() {
        assertThatThrownBy(() -> PersonalDataCodec.state(JsonStateCodec.of(Nested.class), keys))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Nested.inner.name holds PersonalData inside another value");
    }

    @Test
    void toStringNeverShowsTheValue() {
        assertThat(new Registered("p-1", PersonalData.of(NAME), PersonalData.of(BORN)).toString())
                .doesNotContain("Ada")
                .doesNotContain("1815");
    }
}
