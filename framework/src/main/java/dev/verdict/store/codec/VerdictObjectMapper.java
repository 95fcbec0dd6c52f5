package dev.verdict.store.codec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import dev.verdict.store.internal.IsoInstant;
import java.io.IOException;
import java.time.Instant;

/**
 * The Jackson configuration the JSON codecs use unless given another mapper.
 *
 * <p>Guarantees: {@code java.time} values as ISO-8601 strings (not numbers), unknown properties and trailing tokens
 * are errors (a silently dropped field is lost data; evolve events with an {@link Upcaster} instead), a missing or
 * {@code null} primitive is an error instead of a silent {@code 0}. Numbers keep their exact value and scale, also
 * where no field type says what they are ({@code Object}, {@code Map<String, Object>}, {@code JsonNode}): decimals
 * are read as {@code BigDecimal} (not {@code double}) and trailing zeros are kept, so {@code 100.10} written and
 * read back is {@code 100.10}. {@link dev.verdict.decider.PersonalData} values are read and written ({@link
 * PersonalDataModule}).
 *
 * <pre>{@code
 * ObjectMapper mapper = VerdictObjectMapper.create().registerModule(myModule);
 * EventCodec<PrescriptionEvent> codec = JsonEventCodec.builder(PrescriptionEvent.class).mapper(mapper).build();
 * }</pre>
 */
public final class VerdictObjectMapper {
    private VerdictObjectMapper() {}

    /** A new, independently configurable mapper with Verdict's defaults. */
    public static ObjectMapper create() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new PersonalDataModule())
                .addModule(
                        new SimpleModule("verdict-instant").addSerializer(Instant.class, new FastInstantSerializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /**
     * Writes an {@code Instant} as the text of {@link IsoInstant} – the same characters Jackson's {@link
     * InstantSerializer} writes by default ({@code Instant.toString()}), at a fraction of the cost. Anything else is
     * left to Jackson's serializer: numeric timestamps ({@code WRITE_DATES_AS_TIMESTAMPS}) and any format override
     * ({@code @JsonFormat} on a property, or a config override for {@code Instant}).
     */
    private static final class FastInstantSerializer extends StdSerializer<Instant> implements ContextualSerializer {
        private static final long serialVersionUID = 1L;

        FastInstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                InstantSerializer.INSTANCE.serialize(value, gen, provider);
            } else {
                gen.writeString(IsoInstant.format(value));
            }
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            JsonFormat.Value format = findFormatOverrides(provider, property, Instant.class);
            if (format == null || format.equals(JsonFormat.Value.empty())) {
                return this;
            }
            return InstantSerializer.INSTANCE.createContextual(provider, property);
        }
    }
}
