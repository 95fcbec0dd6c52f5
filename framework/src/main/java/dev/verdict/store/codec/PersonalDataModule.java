package dev.verdict.store.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.personal.internal.SealingWriter;
import java.io.IOException;

/**
 * Jackson support of {@link PersonalData}: a known value is written as the value itself, an erased one as {@code
 * {"$erased":true}}; both are read back. {@code VerdictObjectMapper.create()} registers it; register it yourself on
 * another mapper.
 *
 * <p>This module does not encrypt by itself: {@code dev.verdict.store.personal.PersonalDataCodec} encrypts a known value
 * while it is written, by handing this serializer the data subject's key for the one call.
 *
 * <pre>{@code
 * ObjectMapper mapper = new ObjectMapper().registerModule(new PersonalDataModule());
 * }</pre>
 */
public final class PersonalDataModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    /** The field of the JSON object that stands for an erased value. */
    public static final String ERASED_FIELD = "$erased";

    /** The field of a stored, still encrypted value ({@code dev.verdict.store.personal.PersonalDataCodec}). */
    public static final String CIPHERTEXT_FIELD = "$pd";

    public PersonalDataModule() {
        super("verdict-personal-data");
        addSerializer(new Writer());
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addDeserializers(new Finder());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Writer extends StdSerializer<PersonalData> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(PersonalData.class);
        }

        @Override
        public void serialize(PersonalData value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value instanceof PersonalData.Known<?> known) {
                if (provider.getAttribute(SealingWriter.ATTRIBUTE) instanceof SealingWriter sealing) {
                    sealing.write(known.data(), gen, provider);
                } else {
                    provider.defaultSerializeValue(known.data(), gen);
                }
            } else {
                gen.writeStartObject();
                gen.writeBooleanField(ERASED_FIELD, true);
                gen.writeEndObject();
            }
        }
    }

    private static final class Finder extends Deserializers.Base {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> findBeanDeserializer(
                JavaType type, DeserializationConfig config, BeanDescription beanDesc) {
            if (type.getRawClass() != PersonalData.class) {
                return null;
            }
            JavaType valueType = type.containedTypeOrUnknown(0);
            return new Reader(valueType);
        }
    }

    private static final class Reader extends StdDeserializer<PersonalData<?>> {
        private static final long serialVersionUID = 1L;
        private final JavaType valueType;

        Reader(JavaType valueType) {
            super(PersonalData.class);
            this.valueType = valueType;
        }

        @Override
        public PersonalData<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                JsonNode node = ctxt.readTree(p);
                if (node.size() == 1 && node.path(ERASED_FIELD).asBoolean(false)) {
                    return PersonalData.erased();
                }
                if (node.has(CIPHERTEXT_FIELD)) {
                    return (PersonalData<?>) ctxt.reportInputMismatch(
                            this, "personal data still encrypted: decode it through the PersonalDataCodec");
                }
                return PersonalData.of(ctxt.readTreeAsValue(node, valueType));
            }
            return PersonalData.of(ctxt.readValue(p, valueType));
        }
    }
}
