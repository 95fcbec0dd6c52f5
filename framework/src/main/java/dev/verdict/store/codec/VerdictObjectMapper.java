package dev.verdict.store.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration the JSON codecs use unless given another mapper.
 *
 * <p>Guarantees: {@code java.time} values as ISO-8601 strings (not numbers), unknown properties and trailing tokens
 * are errors (a silently dropped field is lost data; evolve events with an {@link Upcaster} instead), a missing or
 * {@code null} primitive is an error instead of a silent {@code 0}.
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
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
