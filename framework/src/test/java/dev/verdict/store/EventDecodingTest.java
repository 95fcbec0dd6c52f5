package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.codec.JsonEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventDecodingTest {
    sealed interface Ev permits Happened {}

    record Happened(int n) implements Ev {}

    private static RecordedEvent recorded(String type, String payload) {
        return new RecordedEvent(
                EntityRef.of("thing", "t-1"),
                42,
                Instant.EPOCH,
                "e-1",
                Instant.EPOCH,
                new EncodedEvent(type, 1, payload.getBytes(StandardCharsets.UTF_8)),
                "c-1",
                "c-1",
                Optional.empty(),
                Map.of());
    }

    @Test
    void decodesAReadableEvent() {
        assertThat(EventDecoding.decode(
                        StoreName.of("shop"), recorded("Happened", "{\"n\":1}"), JsonEventCodec.of(Ev.class)))
                .isEqualTo(new Happened(1));
    }

    @Test
    void namesStreamSubjectSequenceAndTypeWhenDecodingFails() {
        assertThatThrownBy(() -> EventDecoding.decode(
                        StoreName.of("shop"), recorded("Alien", "{}"), JsonEventCodec.of(Ev.class)))
                .isInstanceOf(EventDecodingFailed.class)
                .hasMessageContaining("stream 'shop'")
                .hasMessageContaining("subject 'shop.thing.t-1'")
                .hasMessageContaining("sequence 42")
                .hasMessageContaining("'Alien'");
    }
}
