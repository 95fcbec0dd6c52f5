package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.EntityKey;
import dev.verdict.examples.pharmacy.Dispensing.DispenseFill;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.testing.MultiDeciderSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A dispense over the prescription and the drug's stock, as given/when/then over both entities. */
class DispensingSpec {
    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final String RX = "rx-42";
    static final String DRUG = "amoxicillin-500mg";
    static final EntityKey PRESCRIPTION = EntityKey.of("prescription", RX);
    static final EntityKey STOCK = EntityKey.of("inventory", DRUG);
    static final PrescriptionOrdered ORDERED =
            new PrescriptionOrdered(RX, "patient-7", DRUG, 30, "tablet", 0, "dr-house", T0);
    static final PrescriptionVerified VERIFIED = new PrescriptionVerified(RX, "ana", DRUG, 30, T0);

    private static MultiDeciderSpec<DispenseFill, CombinedState<Prescription, Inventory>, Object> spec() {
        return MultiDeciderSpec.of(new Dispensing().decider());
    }

    @Test
    void dispensesAndDeductsTheStockInOneDecision() {
        spec().given(PRESCRIPTION, ORDERED, VERIFIED)
                .given(STOCK, new StockReceived(DRUG, 20, T0))
                .when(new DispenseFill(RX, 5, T1))
                .then(PRESCRIPTION, new DrugDispensed(RX, DRUG, 1, 5, 25, T1))
                .then(STOCK, new StockDeducted(DRUG, RX, 5, 15, T1))
                .thenState(state -> assertThat(state.second().onHand()).isEqualTo(15));
    }

    @Test
    void theLastUnitsCompleteThePrescriptionInTheSameAppend() {
        spec().given(PRESCRIPTION, ORDERED, VERIFIED)
                .given(STOCK, new StockReceived(DRUG, 30, T0))
                .when(new DispenseFill(RX, 30, T1))
                .then(PRESCRIPTION, new DrugDispensed(RX, DRUG, 1, 30, 0, T1), new PrescriptionCompleted(RX, 1, T1))
                .then(STOCK, new StockDeducted(DRUG, RX, 30, 0, T1));
    }

    @Test
    void refusesWhenTheStockOnHandIsSmallerThanTheQuantity() {
        spec().given(PRESCRIPTION, ORDERED, VERIFIED)
                .given(STOCK, new StockReceived(DRUG, 4, T0))
                .when(new DispenseFill(RX, 5, T1))
                .thenRejected("inventory.insufficient-stock");
    }

    @Test
    void refusesWithoutAnyStockEvent() {
        spec().given(PRESCRIPTION, ORDERED, VERIFIED)
                .when(new DispenseFill(RX, 1, T1))
                .thenRejected("inventory.insufficient-stock");
    }

    @Test
    void thePrescriptionsOwnRulesComeFirst() {
        spec().given(PRESCRIPTION, ORDERED)
                .given(STOCK, new StockReceived(DRUG, 100, T0))
                .when(new DispenseFill(RX, 5, T1))
                .thenRejected("prescription.not-verified");
    }

    @Test
    void readsTheStockOfTheDrugThePrescriptionNames() {
        DispenseFill fill = new DispenseFill(RX, 5, T1);
        var decider = new Dispensing().decider();
        assertThat(decider.reads(fill)).containsExactly(PRESCRIPTION);
        assertThat(decider.readsGiven(
                        fill, entity -> entity.equals(PRESCRIPTION) ? java.util.List.of(ORDERED) : java.util.List.of()))
                .containsExactly(PRESCRIPTION, STOCK);
    }

    @Test
    void anUnknownPrescriptionIsRefusedByItsOwnRulesWithoutReadingAStock() {
        DispenseFill fill = new DispenseFill(RX, 5, T1);
        var decider = new Dispensing().decider();
        assertThat(decider.readsGiven(fill, entity -> java.util.List.of())).containsExactly(PRESCRIPTION);
        spec().givenNothing().when(fill).thenRejected("prescription.not-found");
    }
}
