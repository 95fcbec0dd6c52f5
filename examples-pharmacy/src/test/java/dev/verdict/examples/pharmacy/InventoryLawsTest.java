package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.DomainRejection;
import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.History;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** The stock's invariants in every state reachable by random command sequences. */
class InventoryLawsTest {
    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");
    private static final String DRUG = "amoxicillin";
    private static final JsonStateCodec<Inventory> CODEC = JsonStateCodec.of(Inventory.class);
    private final InventoryDecider decider = new InventoryDecider();

    @Property(tries = 300)
    void reservedStockIsNeverMoreThanStockOnHand(@ForAll("histories") List<InventoryCommand> commands) {
        Inventory state = decider.initialState();
        for (InventoryCommand command : commands) {
            state = decider.fold(state, decideOrEmpty(command, state));
            assertThat(state.reserved()).isBetween(0, state.onHand());
            assertThat(state.reservations().values())
                    .allSatisfy(held -> assertThat(held).isPositive());
        }
    }

    @Property(tries = 300)
    void stockOnHandIsWhatWasReceivedMinusWhatWasDispensed(@ForAll("histories") List<InventoryCommand> commands) {
        Inventory state = decider.initialState();
        int received = 0;
        int dispensed = 0;
        for (InventoryCommand command : commands) {
            for (InventoryEvent event : decideOrEmpty(command, state)) {
                if (event instanceof InventoryEvent.StockReceived r) {
                    received += r.quantity();
                } else if (event instanceof InventoryEvent.StockRemoved d) {
                    dispensed += d.quantity();
                }
                state = decider.evolve(state, event);
            }
        }
        assertThat(state.onHand()).isEqualTo(received - dispensed);
    }

    /**
     * Quantities from the whole {@code int} range, biased to its edges: stock on hand is never negative, never above
     * the capacity, and always exactly what was received minus what was dispensed (summed without wrapping). A
     * decider that let {@code int} arithmetic wrap fails here ({@code 2147483647} received twice).
     */
    @Property(tries = 500)
    void stockNeverGoesNegativeNorOverflowsForAnyQuantity(@ForAll("extremeHistories") List<InventoryCommand> commands) {
        DeciderLaws<InventoryCommand, Inventory, InventoryEvent> laws = DeciderLaws.of(
                        decider, Arbitraries.just(new ReceiveStock(DRUG, 1, T)))
                .invariant(
                        "0 <= reserved <= on hand <= capacity",
                        s -> s.onHand() >= 0
                                && s.onHand() <= Inventory.MAX_ON_HAND
                                && s.reserved() >= 0
                                && s.reserved() <= s.onHand());
        laws.checkInvariants(commands);

        long received = 0;
        long dispensed = 0;
        Inventory state = decider.initialState();
        for (History.Step<InventoryCommand, Inventory, InventoryEvent> step :
                laws.replay(commands).steps()) {
            for (InventoryEvent event : step.events()) {
                if (event instanceof InventoryEvent.StockReceived r) {
                    received += r.quantity();
                } else if (event instanceof InventoryEvent.StockRemoved d) {
                    dispensed += d.quantity();
                }
            }
            state = step.after();
        }
        assertThat((long) state.onHand()).isEqualTo(received - dispensed);
    }

    @Property(tries = 50)
    void aSnapshotContinuesExactlyLikeTheOriginal(@ForAll("histories") List<InventoryCommand> commands) {
        DeciderLaws.of(decider, Arbitraries.just(new ReceiveStock(DRUG, 1, T)))
                .snapshotCodec(CODEC::encode, CODEC::decode)
                .checkSnapshotEquivalence(commands);
    }

    private List<InventoryEvent> decideOrEmpty(InventoryCommand command, Inventory state) {
        try {
            return decider.decide(command, state);
        } catch (DomainRejection rejected) {
            return List.of();
        }
    }

    @Provide
    Arbitrary<List<InventoryCommand>> histories() {
        return histories(Arbitraries.integers().between(-1, 40));
    }

    @Provide
    Arbitrary<List<InventoryCommand>> extremeHistories() {
        return histories(Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(-1, 40)),
                Tuple.of(3, Arbitraries.integers().between(Integer.MAX_VALUE - 40, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2 + 1)),
                Tuple.of(1, Arbitraries.integers())));
    }

    private static Arbitrary<List<InventoryCommand>> histories(Arbitrary<Integer> quantities) {
        Arbitrary<String> reservations = Arbitraries.of("rx-1", "rx-2", "rx-3");
        Arbitrary<InventoryCommand> receive = quantities.map(q -> new ReceiveStock(DRUG, q, T));
        Arbitrary<InventoryCommand> reserve =
                Combinators.combine(reservations, quantities).as((id, q) -> new ReserveStock(DRUG, id, q, T));
        Arbitrary<InventoryCommand> release = reservations.map(id -> new ReleaseReservation(DRUG, id, T));
        Arbitrary<InventoryCommand> dispense = Combinators.combine(reservations, quantities)
                .as((id, q) -> new DispenseFromReservation(DRUG, id, q, T));
        return Arbitraries.oneOf(receive, reserve, release, dispense).list().ofMaxSize(40);
    }
}
