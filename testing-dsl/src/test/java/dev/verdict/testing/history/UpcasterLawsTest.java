package dev.verdict.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.EncodedEvent;
import dev.verdict.store.codec.EventType;
import dev.verdict.store.codec.EventUpcaster;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.UpcastEvent;
import dev.verdict.store.codec.Upcaster;
import dev.verdict.testing.LawViolation;
import dev.verdict.testing.UpcasterLaws;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The upcaster laws hold for a sound chain (properties) and each names the stored event when it breaks. */
class UpcasterLawsTest {

    sealed interface Stock permits Received, Counted {}

    @EventType(value = "Received", version = 3)
    record Received(String drug, int quantity, String lot) implements Stock {}

    record Counted(String drug, int counted) implements Stock {}

    /** Version 1 of Received and the retired Adjusted, as the old release wrote them. */
    record ReceivedV1(String drug, int units) {}

    record AdjustedV1(String drug, int quantity, int counted) {}

    static JsonEventCodec<Stock> codec(Upcaster lot) {
        return JsonEventCodec.builder(Stock.class)
                .upcaster(Upcaster.of("Received", 1, j -> {
                    j.set("quantity", j.remove("units"));
                    return j;
                }))
                .upcaster(lot)
                .upcaster(EventUpcaster.split(
                        "Adjusted",
                        1,
                        j -> List.of(
                                new UpcastEvent("Received", 2, j.deepCopy().retain("drug", "quantity")),
                                new UpcastEvent("Counted", 1, j.retain("drug", "counted")))))
                .build();
    }

    static final JsonEventCodec<Stock> SOUND = codec(Upcaster.of("Received", 2, j -> j.put("lot", "none")));

    static final UpcasterLaws<EncodedEvent, Stock> LAWS = JsonUpcasterLaws.of(SOUND)
            .valid("quantities are not negative", e -> !(e instanceof Received r) || r.quantity() >= 0);

    @Provide
    Arbitrary<EncodedEvent> oldEvents() {
        Arbitrary<String> drugs = Arbitraries.of("aspirin", "ibuprofen");
        Arbitrary<Integer> amounts = Arbitraries.integers().between(0, 500);
        return Arbitraries.oneOf(
                JsonUpcasterLaws.storedAs(
                        "Received", 1, Combinators.combine(drugs, amounts).as(ReceivedV1::new)),
                JsonUpcasterLaws.storedAs(
                        "Adjusted",
                        1,
                        Combinators.combine(drugs, amounts, amounts).as(AdjustedV1::new)));
    }

    @Property(tries = 200)
    void upcastsAreValid(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkUpcastIsValid(old);
    }

    @Property(tries = 200)
    void upcastingIsDeterministic(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkDeterminism(old);
    }

    @Property(tries = 200)
    void chainsCompose(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkChainsCompose(old);
    }

    private static EncodedEvent stored(String type, int version, String json) {
        return new EncodedEvent(type, version, json.getBytes(StandardCharsets.UTF_8));
    }

    private static final EncodedEvent OLD = stored("Received", 1, "{\"drug\":\"aspirin\",\"units\":4}");

    @Test
    void anUpcastBreakingARuleOrNotReadableIsInvalid() {
        JsonEventCodec<Stock> negative =
                codec(Upcaster.of("Received", 2, j -> j.put("lot", "x").put("quantity", -1)));
        assertThatThrownBy(() -> JsonUpcasterLaws.of(negative)
                        .valid("quantities are not negative", e -> !(e instanceof Received r) || r.quantity() >= 0)
                        .checkUpcastIsValid(OLD))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("upcast is valid broken for Received v1 {\"drug\":\"aspirin\",\"units\":4}")
                .hasMessageContaining("breaks the rule 'quantities are not negative'");

        JsonEventCodec<Stock> wrongField =
                codec(Upcaster.of("Received", 2, j -> j.put("lot", "x").put("qty", 1)));
        assertThatThrownBy(() -> JsonUpcasterLaws.of(wrongField).checkUpcastIsValid(OLD))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("cannot be decoded")
                .hasMessageContaining("qty");
    }

    @Test
    void anUpcasterThatDependsOnMoreThanItsInputIsNotDeterministic() {
        AtomicInteger calls = new AtomicInteger();
        JsonEventCodec<Stock> counting =
                codec(Upcaster.of("Received", 2, j -> j.put("lot", "lot-" + calls.incrementAndGet())));

        assertThatThrownBy(() -> JsonUpcasterLaws.of(counting).checkDeterminism(OLD))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("determinism broken")
                .hasMessageContaining("lot-1")
                .hasMessageContaining("lot-2");
    }

    @Test
    void aCodecWhoseWholeUpcastDiffersFromItsStepsDoesNotCompose() {
        // a hand-made reader that takes a short cut for version 1 which the step-by-step chain does not take
        UpcasterLaws<EncodedEvent, Stock> shortCut = UpcasterLaws.of(
                e -> e.type().equals("Received") && e.schemaVersion() == 1
                        ? List.of(new Received("aspirin", 4, "short-cut"))
                        : SOUND.decodeAll(e),
                SOUND::upcastStep,
                SOUND::encode,
                e -> e.type() + " v" + e.schemaVersion());

        assertThatThrownBy(() -> shortCut.checkChainsCompose(OLD))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("chains compose broken for Received v1")
                .hasMessageContaining("short-cut")
                .hasMessageContaining("lot=none");
        assertThat(SOUND.decodeAll(OLD)).containsExactly(new Received("aspirin", 4, "none"));
    }
}
