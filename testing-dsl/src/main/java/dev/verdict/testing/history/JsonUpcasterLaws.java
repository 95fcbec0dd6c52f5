package dev.verdict.testing.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.VerdictObjectMapper;
import dev.verdict.testing.UpcasterLaws;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import net.jqwik.api.Arbitrary;

/**
 * The {@link UpcasterLaws} of a {@link JsonEventCodec}, and arbitraries of stored events of old shapes.
 *
 * <pre>{@code
 * // the shape StockReceived had at version 1, kept in the tests only
 * record StockReceivedV1(String drug, int quantity) {}
 *
 * UpcasterLaws<EncodedEvent, InventoryEvent> laws = JsonUpcasterLaws.of(InventoryEvent.CODEC);
 * Arbitrary<EncodedEvent> old = JsonUpcasterLaws.storedAs("StockReceived", 1, Arbitraries.forType(StockReceivedV1.class));
 * }</pre>
 */
public final class JsonUpcasterLaws {
    private static final ObjectMapper MAPPER = VerdictObjectMapper.create();

    private JsonUpcasterLaws() {}

    /** The laws of the codec: {@code decodeAll}, {@code upcastStep} and {@code encode}. */
    public static <E> UpcasterLaws<EncodedEvent, E> of(JsonEventCodec<E> codec) {
        Objects.requireNonNull(codec, "codec");
        return UpcasterLaws.of(
                codec::decodeAll,
                codec::upcastStep,
                codec::encode,
                e -> e.type() + " v" + e.schemaVersion() + " " + new String(e.payload(), StandardCharsets.UTF_8));
    }

    /**
     * Stored events of {@code type} at {@code version}: each value of {@code oldShapes} (a record of the old shape, or
     * any value Jackson writes as a JSON object) written as JSON.
     */
    public static Arbitrary<EncodedEvent> storedAs(String type, int version, Arbitrary<?> oldShapes) {
        return oldShapes.map(shape -> {
            try {
                return new EncodedEvent(type, version, MAPPER.writeValueAsBytes(shape));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write " + shape + " as JSON", e);
            }
        });
    }
}
