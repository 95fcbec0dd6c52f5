package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.InventoryEvent.ReservationReleased;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.InventoryEvent.StockRemoved;
import dev.verdict.store.EncodedEvent;
import dev.verdict.testing.UpcasterLaws;
import dev.verdict.testing.history.JsonUpcasterLaws;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What older releases stored is read as today's inventory events: the upcaster laws and the two changes. */
class InventoryEvolutionTest {
    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    /** The shapes release 4d81536 stored, kept here only. */
    record StockReceivedV1(String drug, int quantity, Instant occurredAt) {}

    record StockDispensedV1(String drug, String reservationId, int quantity, Instant occurredAt) {}

    static final UpcasterLaws<EncodedEvent, InventoryEvent> LAWS = JsonUpcasterLaws.of(InventoryEvents.CODEC)
            .valid("received units are positive", e -> !(e instanceof StockReceived r) || r.units() > 0)
            .valid("removed units are positive", e -> !(e instanceof StockRemoved r) || r.quantity() > 0)
            .valid("released units are positive", e -> !(e instanceof ReservationReleased r) || r.quantity() > 0);

    @Provide
    Arbitrary<EncodedEvent> oldEvents() {
        Arbitrary<String> drugs = Arbitraries.of("amoxicillin-500mg", "gauze");
        Arbitrary<Integer> quantities = Arbitraries.integers().between(1, 10_000);
        Arbitrary<Instant> times =
                Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
        return Arbitraries.oneOf(
                JsonUpcasterLaws.storedAs(
                        "StockReceived",
                        1,
                        Combinators.combine(drugs, quantities, times).as(StockReceivedV1::new)),
                JsonUpcasterLaws.storedAs(
                        "StockDispensed",
                        1,
                        Combinators.combine(drugs, Arbitraries.of("res-1", "rx-42"), quantities, times)
                                .as(StockDispensedV1::new)));
    }

    @Property(tries = 200)
    void upcastsAreValid(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkUpcastIsValid(old);
    }

    @Property(tries = 100)
    void upcastingIsDeterministic(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkDeterminism(old);
    }

    @Property(tries = 100)
    void chainsCompose(@ForAll("oldEvents") EncodedEvent old) {
        LAWS.checkChainsCompose(old);
    }

    private static EncodedEvent stored(String type, int version, String json) {
        return new EncodedEvent(type, version, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void stockReceivedVersionOneIsReadWithItsQuantityAsUnitsAndStoredAsVersionTwo() {
        EncodedEvent v1 = stored(
                "StockReceived", 1, "{\"drug\":\"gauze\",\"quantity\":30,\"occurredAt\":\"2026-01-05T09:00:00Z\"}");

        assertThat(InventoryEvents.CODEC.decodeAll(v1)).containsExactly(new StockReceived("gauze", 30, T));
        EncodedEvent today = InventoryEvents.CODEC.encode(new StockReceived("gauze", 30, T));
        assertThat(today.schemaVersion()).isEqualTo(2);
        assertThat(new String(today.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"drug\":\"gauze\",\"units\":30,\"occurredAt\":\"2026-01-05T09:00:00Z\"}");
    }

    @Test
    void aStoredStockDispensedIsReadAsTheReservationShrinkingAndTheUnitsLeavingWithTheSameEffect() {
        EncodedEvent dispensed = stored(
                "StockDispensed",
                1,
                "{\"drug\":\"gauze\",\"reservationId\":\"res-1\",\"quantity\":5,\"occurredAt\":\"2026-01-05T09:00:00Z\"}");

        var events = InventoryEvents.CODEC.decodeAll(dispensed);

        assertThat(events)
                .containsExactly(
                        new ReservationReleased("gauze", "res-1", 5, T), new StockRemoved("gauze", "res-1", 5, T));
        // as the release folded it: 30 received, 8 reserved, 5 of them dispensed -> 25 on hand, 3 still reserved
        InventoryDecider decider = new InventoryDecider();
        Inventory state = decider.evolve(decider.initialState(), new StockReceived("gauze", 30, T));
        state = decider.evolve(state, new InventoryEvent.StockReserved("gauze", "res-1", 8, T));
        for (InventoryEvent e : events) {
            state = decider.evolve(state, e);
        }
        assertThat(state.onHand()).isEqualTo(25);
        assertThat(state.reservedFor("res-1")).isEqualTo(3);
    }
}
