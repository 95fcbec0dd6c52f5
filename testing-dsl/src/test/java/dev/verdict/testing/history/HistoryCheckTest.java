package dev.verdict.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.verdict.decider.Decider;
import dev.verdict.store.capture.CaptureHeader;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.codec.EventUpcaster;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.UpcastEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryCheckTest {
    sealed interface CounterEvent {
        record Added(int amount) implements CounterEvent {}

        record Reset() implements CounterEvent {}
    }

    /** Sums what was added; refuses to go below zero (an evolve that throws on a history it cannot fold). */
    static final class Counter implements Decider<Integer, Integer, CounterEvent> {
        @Override
        public Integer initialState() {
            return 0;
        }

        @Override
        public List<CounterEvent> decide(Integer command, Integer state) {
            return List.of(new CounterEvent.Added(command));
        }

        @Override
        public Integer evolve(Integer state, CounterEvent event) {
            if (event instanceof CounterEvent.Added added) {
                if (state + added.amount() < 0) {
                    throw new IllegalStateException("the counter would go below zero");
                }
                return state + added.amount();
            }
            return 0;
        }
    }

    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    static CapturedMessage event(long sequence, String subject, String type, String payload) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Verdict-Type", List.of(type));
        headers.put("Verdict-Schema-Version", List.of("1"));
        headers.put("Verdict-Event-Id", List.of("e-" + sequence));
        headers.put("Verdict-Time", List.of(T.toString()));
        headers.put("Verdict-Command-Id", List.of("c-" + sequence));
        return new CapturedMessage(sequence, subject, headers, payload.getBytes(StandardCharsets.UTF_8), T);
    }

    static HistoryCapture capture(CapturedMessage... messages) {
        return new HistoryCapture(
                new CaptureHeader(1, "shop", T.toString(), T, "0.1.0 (test)", Map.of()), List.of(messages), List.of());
    }

    static HistoryCheck check(HistoryCapture capture) {
        return HistoryCheck.of(capture).category("counter", JsonEventCodec.of(CounterEvent.class), new Counter());
    }

    @Test
    void aHistoryTodaysCodeReadsPassesAndCountsItsEvents() {
        HistoryCapture capture = capture(
                event(1, "shop.counter.c-1", "Added", "{\"amount\":2}"),
                event(2, "shop.counter.c-2", "Added", "{\"amount\":3}"),
                event(3, "shop.counter.c-1", "Reset", "{}"));

        assertThat(check(capture).verify()).isEqualTo(3);
    }

    /** "Moved" (retired) was two additions in one event; "Noted" (retired) means nothing now. */
    static HistoryCheck evolvedCheck(HistoryCapture capture) {
        JsonEventCodec<CounterEvent> codec = JsonEventCodec.builder(CounterEvent.class)
                .upcaster(EventUpcaster.split(
                        "Moved",
                        1,
                        json -> List.of(
                                new UpcastEvent(
                                        "Added",
                                        1,
                                        JsonNodeFactory.instance
                                                .objectNode()
                                                .put("amount", json.get("in").asInt())),
                                new UpcastEvent(
                                        "Added",
                                        1,
                                        JsonNodeFactory.instance
                                                .objectNode()
                                                .put("amount", json.get("out").asInt())))))
                .upcaster(EventUpcaster.drop("Noted", 1))
                .build();
        return HistoryCheck.of(capture).category("counter", codec, new Counter());
    }

    @Test
    void aSplitMessageIsFoldedAsAllItsEventsAndADroppedOneAsNone() {
        assertThat(evolvedCheck(capture(
                                event(1, "shop.counter.c-1", "Added", "{\"amount\":2}"),
                                event(2, "shop.counter.c-1", "Moved", "{\"in\":1,\"out\":-3}"),
                                event(3, "shop.counter.c-1", "Noted", "{\"text\":\"x\"}")))
                        .verify())
                .isEqualTo(3);

        // the split's second event is folded: it takes the counter below zero
        assertThatThrownBy(() -> evolvedCheck(capture(
                                event(1, "shop.counter.c-1", "Added", "{\"amount\":2}"),
                                event(2, "shop.counter.c-1", "Moved", "{\"in\":1,\"out\":-4}")))
                        .verify())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shop.counter.c-1 #2 (Moved)")
                .hasMessageContaining("below zero");
    }

    @Test
    void aRenamedFieldFailsNamingSubjectSequenceTypeAndTheFieldTodaysCodeMisses() {
        HistoryCapture capture = capture(
                event(1, "shop.counter.c-1", "Added", "{\"amount\":2}"),
                event(2, "shop.counter.c-2", "Added", "{\"quantity\":3}"));

        assertThatThrownBy(() -> check(capture).verify())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of the 2 captured messages")
                .hasMessageContaining("shop.counter.c-2 #2 (Added): cannot be decoded")
                .hasMessageContaining("HistoryCheckTest$CounterEvent$Added[\"amount\"]");
    }

    @Test
    void anUnknownTypeAndAnEvolveThatThrowsFailTooAndTheEntityIsNotFoldedFurther() {
        HistoryCapture capture = capture(
                event(1, "shop.counter.c-1", "Removed", "{\"amount\":2}"),
                event(2, "shop.counter.c-1", "Added", "{\"amount\":2}"),
                event(3, "shop.counter.c-2", "Added", "{\"amount\":-5}"));

        assertThatThrownBy(() -> check(capture).verify())
                .hasMessageContaining("2 of the 3 captured messages")
                .hasMessageContaining("shop.counter.c-1 #1 (Removed): cannot be decoded")
                .hasMessageContaining("shop.counter.c-2 #3 (Added): the decider's evolve failed")
                .hasMessageContaining("below zero")
                .hasMessageNotContaining("#2");
    }

    @Test
    void anUncheckedCategoryAndANonVerdictMessageFail() {
        CapturedMessage bare = new CapturedMessage(2, "shop.counter.c-3", Map.of(), new byte[] {1}, T);
        HistoryCapture capture = capture(event(1, "shop.basket.b-1", "Added", "{\"amount\":2}"), bare);

        assertThatThrownBy(() -> check(capture).verify())
                .hasMessageContaining("shop.basket.b-1 #1 (Added): category 'basket' is neither checked nor ignored")
                .hasMessageContaining("shop.counter.c-3 #2 ((none)): not a Verdict event");
        assertThatThrownBy(() -> check(capture(event(1, "shop.basket.b-1", "Added", "{}")))
                        .ignoring("basket")
                        .verify())
                .hasMessageContaining("nothing was checked");
    }

    @Test
    void aCaptureReadsBackByteForByteWhateverItsPayloads() throws Exception {
        CapturedMessage json = event(1, "shop.counter.c-1", "Added", "{\"amount\":2.50}");
        CapturedMessage spaced = event(2, "shop.counter.c-1", "Added", "{ \"amount\": 3 }");
        CapturedMessage binary = new CapturedMessage(
                3, "shop.counter.c-1", Map.of("Verdict-Type", List.of("Blob", "second")), new byte[] {0, -1, 7}, T);
        HistoryCapture capture = capture(json, spaced, binary);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        capture.write(out);
        String text = out.toString(StandardCharsets.UTF_8);

        assertThat(text.lines())
                .hasSize(4)
                .anySatisfy(l -> assertThat(l).contains("\"payload\":{\"amount\":2.50}"))
                .anySatisfy(l -> assertThat(l).contains("\"payloadText\":\"{ \\\"amount\\\": 3 }\""))
                .anySatisfy(l -> assertThat(l).contains("\"payloadBase64\":\"AP8H\""));
        HistoryCapture read = HistoryCapture.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(read).isEqualTo(capture);
    }
}
