package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.VerdictObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * Personal fields are sealed while the event is written – its JSON is not parsed again – and a mapper that writes
 * {@code PersonalData} its own way still never gets a value stored in the clear.
 */
class OnePassSealingTest {
    sealed interface VisitEvent permits Visited {}

    record Visited(@DataSubject String patientId, PersonalData<String> name, int visit) implements VisitEvent {}

    private final AtomicInteger parses = new AtomicInteger();
    private final ObjectMapper sealing = new ObjectMapper(new JsonFactory() {
        @Override
        public JsonParser createParser(byte[] data) throws IOException {
            parses.incrementAndGet();
            return super.createParser(data);
        }
    });
    private final CountingKeys keys = new CountingKeys(DataKeys.inMemory());

    @Test
    void theEventIsSealedAsItIsWrittenWithOneKeyLookup() {
        EventCodec<VisitEvent> codec = PersonalDataCodec.events(JsonEventCodec.of(VisitEvent.class), keys, sealing);

        EncodedEvent stored = codec.encode(new Visited("p-1", PersonalData.of("Ada Lovelace"), 1));

        assertThat(new String(stored.payload(), StandardCharsets.UTF_8))
                .doesNotContain("Ada")
                .startsWith("{\"patientId\":\"p-1\",\"name\":{\"$pd\":\"")
                .endsWith("\",\"kid\":\"p-1\"},\"visit\":1}");
        assertThat(parses).as("JSON parses to seal it").hasValue(0);
        assertThat(keys.lookups).hasValue(1);
        assertThat(codec.decode(stored)).isEqualTo(new Visited("p-1", PersonalData.of("Ada Lovelace"), 1));
    }

    @Test
    void aMapperWritingPersonalDataItsOwnWayIsSealedAfterwards() {
        ObjectMapper own = VerdictObjectMapper.create()
                .registerModule(new SimpleModule("own")
                        .addSerializer(PersonalData.class, new StdSerializer<PersonalData>(PersonalData.class) {
                            @Override
                            public void serialize(PersonalData value, JsonGenerator gen, SerializerProvider provider)
                                    throws IOException {
                                gen.writeString(
                                        ((PersonalData.Known<?>) value).data().toString());
                            }
                        }));
        EventCodec<VisitEvent> codec = PersonalDataCodec.events(
                JsonEventCodec.builder(VisitEvent.class).mapper(own).build(), keys, sealing);

        EncodedEvent stored = codec.encode(new Visited("p-2", PersonalData.of("Grace Hopper"), 1));

        assertThat(new String(stored.payload(), StandardCharsets.UTF_8))
                .doesNotContain("Grace")
                .contains("\"kid\":\"p-2\"");
        assertThat(parses).as("the written JSON sealed afterwards").hasValue(1);
    }

    @Test
    void aMissingSubjectAndAnUnreachableKeyStoreAreThrownAsTheyAre() {
        EventCodec<VisitEvent> codec = PersonalDataCodec.events(JsonEventCodec.of(VisitEvent.class), keys, sealing);
        assertThatThrownBy(() -> codec.encode(new Visited("", PersonalData.of("Ada"), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a data subject: 'patientId' is empty")
                .hasMessageNotContaining("Ada");

        keys.failure = new IllegalStateException("key store down");
        assertThatThrownBy(() -> codec.encode(new Visited("p-3", PersonalData.of("Ada"), 1)))
                .isSameAs(keys.failure);
    }

    /** Counts the lookups of keys to write with; throws {@link #failure} when set. */
    private static final class CountingKeys implements DataKeys {
        private final DataKeys keys;
        private final AtomicInteger lookups = new AtomicInteger();
        private RuntimeException failure;

        CountingKeys(DataKeys keys) {
            this.keys = keys;
        }

        @Override
        public Optional<SecretKey> keyForWriting(String subject) {
            lookups.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return keys.keyForWriting(subject);
        }

        @Override
        public Optional<SecretKey> keyForReading(String subject) {
            return keys.keyForReading(subject);
        }

        @Override
        public Erasure erase(String subject) {
            return keys.erase(subject);
        }

        @Override
        public Optional<Erasure> erasure(String subject) {
            return keys.erasure(subject);
        }

        @Override
        public Listening onErasure(Consumer<String> listener) {
            return keys.onErasure(listener);
        }
    }
}
