package dev.verdict.testing.multi;

import static dev.verdict.testing.multi.Pharmacy.DISPENSE;
import static dev.verdict.testing.multi.Pharmacy.inventory;
import static dev.verdict.testing.multi.Pharmacy.prescription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.testing.MultiDeciderSpec;
import dev.verdict.testing.multi.Pharmacy.DispenseFill;
import dev.verdict.testing.multi.Pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.testing.multi.Pharmacy.InventoryEvent.StockReceived;
import dev.verdict.testing.multi.Pharmacy.PrescriptionEvent.Dispensed;
import dev.verdict.testing.multi.Pharmacy.PrescriptionEvent.Prescribed;
import dev.verdict.testing.multi.Pharmacy.Stock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** A dispense that reads a prescription and the drug's inventory, specified with {@link MultiDeciderSpec}. */
class DispenseAcrossEntitiesSpecTest {
    static final EntityKey RX_1 = prescription("rx-1");
    static final EntityKey ASPIRIN = inventory("aspirin");

    final MultiDeciderSpec<DispenseFill, CombinedState<Pharmacy.Prescription, Stock>, Object> spec =
            MultiDeciderSpec.of(DISPENSE);

    @Test
    void readsThePrescriptionAndTheDrugsInventory() {
        assertThat(DISPENSE.reads(new DispenseFill("rx-1", "aspirin", 5))).containsExactly(RX_1, ASPIRIN);
    }

    @Test
    void dispensesFromThePrescriptionAndDeductsTheStockInOneDecision() {
        spec.given(RX_1, new Prescribed("aspirin", 30))
                .given(ASPIRIN, new StockReceived(20))
                .when(new DispenseFill("rx-1", "aspirin", 5))
                .then(RX_1, new Dispensed(5))
                .then(ASPIRIN, new StockDeducted(5))
                .thenRouted(List.of(Routed.to(RX_1, new Dispensed(5)), Routed.to(ASPIRIN, new StockDeducted(5))))
                .thenState(state -> assertThat(state.second().onHand()).isEqualTo(15));
    }

    @Test
    void rejectsWhenTheStockOnHandIsSmallerThanTheQuantity() {
        spec.given(RX_1, new Prescribed("aspirin", 30))
                .given(ASPIRIN, new StockReceived(20), new StockDeducted(18))
                .when(new DispenseFill("rx-1", "aspirin", 3))
                .thenRejected(Pharmacy.InsufficientStock.class)
                .thenRejected("inventory.insufficient-stock");
    }

    @Test
    void rejectsWhenThePrescriptionHasLessLeftThanTheQuantity() {
        spec.given(RX_1, new Prescribed("aspirin", 4))
                .given(ASPIRIN, new StockReceived(20))
                .when(new DispenseFill("rx-1", "aspirin", 5))
                .thenRejected("prescription.over-dispense");
    }

    @Test
    void aSecondDispenseSeesTheStockTheFirstDeducted() {
        spec.given(RX_1, new Prescribed("aspirin", 30))
                .given(ASPIRIN, new StockReceived(8))
                .when(new DispenseFill("rx-1", "aspirin", 5))
                .then(ASPIRIN, new StockDeducted(5))
                .and()
                .when(new DispenseFill("rx-1", "aspirin", 5))
                .thenRejected("inventory.insufficient-stock")
                .and()
                .when(new DispenseFill("rx-1", "aspirin", 3))
                .then(RX_1, new Dispensed(3))
                .then(ASPIRIN, new StockDeducted(3));
    }

    @Test
    void eventsOfEntitiesTheCommandDoesNotReadAreNotLoaded() {
        spec.given(RX_1, new Prescribed("aspirin", 30))
                .given(inventory("ibuprofen"), new StockReceived(100))
                .when(new DispenseFill("rx-1", "aspirin", 1))
                .thenRejected("inventory.insufficient-stock");
    }

    @Test
    void aWrongExpectationNamesTheEntityAndShowsBothLists() {
        assertThatThrownBy(() -> spec.given(RX_1, new Prescribed("aspirin", 30))
                        .given(ASPIRIN, new StockReceived(20))
                        .when(new DispenseFill("rx-1", "aspirin", 5))
                        .then(ASPIRIN, new StockDeducted(6)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("Expected 1 event for inventory/aspirin")
                .hasMessageContaining("expected for inventory/aspirin: 1 event\n  1. StockDeducted[quantity=6]")
                .hasMessageContaining("actual for inventory/aspirin: 1 event\n  1. StockDeducted[quantity=5]")
                .hasMessageContaining("given prescription/rx-1: 1 event");
    }

    @Test
    void expectingEventsAfterARejectionFailsWithTheRejection() {
        assertThatThrownBy(() -> spec.given(RX_1, new Prescribed("aspirin", 30))
                        .when(new DispenseFill("rx-1", "aspirin", 5))
                        .then(RX_1, new Dispensed(5)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("but the command was rejected: cannot take 5 of aspirin, 0 on hand");
    }

    @Test
    void anEventRoutedToAnEntityTheCommandDoesNotReadFailsTheSpec() {
        MultiDecider<DispenseFill, CombinedState<Pharmacy.Prescription, Stock>, Object> leaky = MultiDecider.of(
                DISPENSE::reads,
                DISPENSE.initialState(),
                DISPENSE::evolve,
                (fill, state) -> List.of(Routed.to(inventory("ibuprofen"), new StockDeducted(fill.quantity()))));

        assertThatThrownBy(() -> MultiDeciderSpec.of(leaky).givenNothing().when(new DispenseFill("rx-1", "aspirin", 5)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("is routed to inventory/ibuprofen, which the command does not read");
    }

    @Test
    void anEvolveThatDependsOnTheOrderOfEntitiesFailsTheSpec() {
        // the state records every event it saw, across entities: the order decided differs from the order loaded
        MultiDecider<DispenseFill, List<Object>, Object> orderSensitive = MultiDecider.of(
                DISPENSE::reads,
                List.of(),
                (seen, entity, event) -> append(seen, event),
                (fill, seen) -> List.of(
                        Routed.to(inventory(fill.drug()), new StockDeducted(fill.quantity())),
                        Routed.to(prescription(fill.prescriptionId()), new Dispensed(fill.quantity()))));

        assertThatThrownBy(() ->
                        MultiDeciderSpec.of(orderSensitive).givenNothing().when(new DispenseFill("rx-1", "aspirin", 5)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("folding the decided events in the order decided gives")
                .hasMessageContaining("one entity's evolve must not depend on another entity's events");
    }

    @Test
    void twoEntitiesOfOneCategoryCannotShareACombinedState() {
        assertThatThrownBy(() -> MultiDecider.of(
                        dev.verdict.decider.EntityRead.of("inventory", DispenseFill::drug, Pharmacy.INVENTORY),
                        dev.verdict.decider.EntityRead.of(
                                "inventory", DispenseFill::prescriptionId, Pharmacy.INVENTORY),
                        (fill, a, b) -> MultiDecider.EventsOfBoth.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both entities are of category 'inventory'");
    }

    @Test
    void anEntityKeyFollowsTheStoresRuleForNames() {
        assertThatThrownBy(() -> EntityKey.of("inventory", "aspirin.500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entity id 'aspirin.500' contains '.' (the NATS subject token separator) at index 7;"
                        + " only ASCII letters, digits, '-' and '_' are allowed");
        assertThat(EntityKey.of("inventory", "aspirin-500")).hasToString("inventory/aspirin-500");
        // a hierarchical category, as the store's Category allows it
        assertThat(EntityKey.of("billing.invoice", "inv-1")).hasToString("billing.invoice/inv-1");
    }

    @Test
    void loadFoldsEachEntityReadInTheOrderOfReads() {
        CombinedState<Pharmacy.Prescription, Stock> state = DISPENSE.load(
                new DispenseFill("rx-1", "aspirin", 1),
                entity -> entity.equals(RX_1)
                        ? List.of(new Prescribed("aspirin", 30), new Dispensed(2))
                        : List.of(new StockReceived(9)));

        assertThat(state).isEqualTo(new CombinedState<>(new Pharmacy.Prescription("aspirin", 30, 2), new Stock(9)));
    }

    private static List<Object> append(List<Object> seen, Object event) {
        List<Object> more = new java.util.ArrayList<>(seen);
        more.add(event);
        return List.copyOf(more);
    }
}
