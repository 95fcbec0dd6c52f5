package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The stored form of personal data does not change: bytes written by the codec that sealed the written JSON in a
 * second pass (captured below with fixed data keys) still decode, and what the codec writes now has exactly their
 * shape – the same fields in the same order, the same ciphertext lengths, only the random IVs and so the ciphertexts
 * differ.
 */
class SealedFormCompatibilityTest {
    sealed interface PatientEvent permits Registered {}

    record Address(String street, BigDecimal lat) {}

    record Registered(
            @DataSubject String patientId,
            PersonalData<String> name,
            PersonalData<LocalDate> birthDate,
            PersonalData<Address> address,
            PersonalData<List<String>> notes,
            int visits)
            implements PatientEvent {}

    record Patient(@DataSubject String patientId, PersonalData<String> name, int prescriptions) {}

    /** Written before sealing moved into serialisation (commit d322485), with {@link FixedKeys}. */
    private static final String EVENT = "{\"patientId\":\"p-1\",\"name\":{\"$pd\":"
            + "\"RnpTWT8ZL7KNDZgFv/7dZdhcC2LGFNB56J4kQHa3JSKX4K/smcmEg1G/2/HFxOJEOfIkS65AYSFTAiAh\",\"kid\":\"p-1\"},"
            + "\"birthDate\":{\"$pd\":\"Tt9LY6p7+cvrsCjOljL4kwKYVYnCYQAuInDa7ypAEghYSB0jCcEMFA==\",\"kid\":\"p-1\"},"
            + "\"address\":{\"$pd\":\"0ttbq+yZbEjlhb+FIvnf4usvs1CCi5PaD8fOIxTVyG/N8XVoDTSXml7iBhTGknxQQrnpVo07kKmfyiae"
            + "Rnw7LcKts09nNxnjdh/ibA==\",\"kid\":\"p-1\"},\"notes\":{\"$erased\":true},\"visits\":3}";

    private static final String ERASED_SUBJECT = "{\"patientId\":\"p-erased\",\"name\":{\"$erased\":true},"
            + "\"birthDate\":{\"$erased\":true},\"address\":null,\"notes\":{\"$erased\":true},\"visits\":1}";

    private static final String STATE = "{\"patientId\":\"p-2\",\"name\":{\"$pd\":"
            + "\"xyHtPxqKRJ/bWEQlp3NN2mOJ2m1sc8IrwDWYsesXE2pyeSJy40bEBzyZZE0p\",\"kid\":\"p-2\"},\"prescriptions\":2}";

    private static final Registered ADA = new Registered(
            "p-1",
            PersonalData.of("Ada Lovelace, née Byron \"A\""),
            PersonalData.of(LocalDate.of(1815, 12, 10)),
            PersonalData.of(new Address("12 St James's Square", new BigDecimal("51.50740"))),
            PersonalData.erased(),
            3);

    private static final Registered GRACE = new Registered(
            "p-erased",
            PersonalData.of("Grace"),
            PersonalData.of(LocalDate.of(1906, 12, 9)),
            null,
            PersonalData.of(List.of("x")),
            1);

    private static final Patient MARY = new Patient("p-2", PersonalData.of("Mary Somerville"), 2);

    /** A fixed key per subject, derived from its id; "p-erased" was erased. */
    static final class FixedKeys implements DataKeys {
        @Override
        public Optional<SecretKey> keyForWriting(String subject) {
            return keyForReading(subject);
        }

        @Override
        public Optional<SecretKey> keyForReading(String subject) {
            if (subject.equals("p-erased")) {
                return Optional.empty();
            }
            byte[] key = new byte[32];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (i + subject.hashCode());
            }
            return Optional.of(new SecretKeySpec(key, "AES"));
        }

        @Override
        public Erasure erase(String subject) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Erasure> erasure(String subject) {
            return Optional.empty();
        }

        @Override
        public Listening onErasure(Consumer<String> listener) {
            return () -> {};
        }
    }

    private final DataKeys keys = new FixedKeys();
    private final EventCodec<PatientEvent> events =
            PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys);
    private final StateCodec<Patient> states = PersonalDataCodec.state(JsonStateCodec.of(Patient.class), keys);
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void bytesWrittenBeforeStillDecode() {
        assertThat(events.decode(stored(EVENT))).isEqualTo(ADA);
        assertThat(events.decode(stored(ERASED_SUBJECT)))
                .isEqualTo(new Registered(
                        "p-erased", PersonalData.erased(), PersonalData.erased(), null, PersonalData.erased(), 1));
        assertThat(states.decode(STATE.getBytes(StandardCharsets.UTF_8))).isEqualTo(MARY);
    }

    @Test
    void whatIsWrittenNowHasTheFormWrittenBefore() throws Exception {
        assertThat(shape(events.encode(ADA).payload())).isEqualTo(shape(EVENT.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(events.encode(GRACE).payload(), StandardCharsets.UTF_8))
                .isEqualTo(ERASED_SUBJECT);
        assertThat(shape(states.encode(MARY))).isEqualTo(shape(STATE.getBytes(StandardCharsets.UTF_8)));
        assertThat(events.decode(events.encode(ADA))).isEqualTo(ADA);
    }

    /**
     * The ciphertext's text is exactly {@code java.util.Base64}'s basic encoding with padding, as the codec wrote it
     * before it wrote the bytes through Jackson's base64 (over 100 random IVs, so every character of the alphabet and
     * every padding length occurs).
     */
    @Test
    void theCiphertextIsTheBasicBase64OfItsBytes() throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode written = json.readTree(events.encode(ADA).payload());
            for (String field : List.of("name", "birthDate", "address")) {
                String text = written.get(field).get("$pd").asText();
                assertThat(Base64.getEncoder()
                                .encodeToString(Base64.getDecoder().decode(text)))
                        .isEqualTo(text);
            }
        }
    }

    @Test
    void aSealedValueIsTheValuesJsonUnderTheSubjectsKey() throws Exception {
        JsonNode address = json.readTree(events.encode(ADA).payload()).get("address");
        byte[] sealed = Base64.getDecoder().decode(address.get("$pd").asText());
        byte[] plain = dev.verdict.store.personal.internal.Aead.decrypt(
                keys.keyForReading("p-1").orElseThrow(),
                sealed,
                "verdict-personal-data:p-1".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(plain, StandardCharsets.UTF_8))
                .isEqualTo("{\"street\":\"12 St James's Square\",\"lat\":51.50740}");
    }

    /** The JSON with every ciphertext replaced by its length: what must not change. */
    private String shape(byte[] payload) throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(payload);
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            if (field.getValue() instanceof ObjectNode value && value.has("$pd")) {
                value.put("$pd", Base64.getDecoder().decode(value.get("$pd").asText()).length);
            }
        }
        return tree.toString();
    }

    private static EncodedEvent stored(String payload) {
        return new EncodedEvent("Registered", 1, payload.getBytes(StandardCharsets.UTF_8));
    }
}
