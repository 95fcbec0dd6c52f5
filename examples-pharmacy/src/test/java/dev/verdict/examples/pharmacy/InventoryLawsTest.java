package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.DomainRejection;
import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.DeciderLaws;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The stock's invariants in every state reachable by random command sequences. */
class InventoryLawsTest {
    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");
    private static final String DRUG = "amoxicillin";
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
                } else if (event instanceof InventoryEvent.StockDispensed d) {
                    dispensed += d.quantity();
                }
                state = decider.evolve(state, event);
            }
        }
        assertThat(state.onHand()).isEqualTo(received - dispensed);
    }

    @Property(tries = 50)
    void aSnapshotContinuesExactlyLikeTheOriginal(@ForAll("histories") List<InventoryCommand> commands) {
        DeciderLaws.of(decider, Arbitraries.just(new ReceiveStock(DRUG, 1, T)))
                .snapshotCodec(JsonStateCodec.of(Inventory.class))
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
        Arbitrary<Integer> quantities = Arbitraries.integers().between(-1, 40);
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
