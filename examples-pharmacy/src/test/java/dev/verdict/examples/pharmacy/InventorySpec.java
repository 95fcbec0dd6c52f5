package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.examples.pharmacy.InventoryEvent.ReservationReleased;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.InventoryEvent.StockRemoved;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReserved;
import dev.verdict.testing.DeciderSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every command path of a drug's stock, including every rejection, as given/when/then. */
class InventorySpec {
    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");
    static final String DRUG = "amoxicillin-500mg";
    static final StockReceived RECEIVED = new StockReceived(DRUG, 100, T);
    static final StockReserved RESERVED = new StockReserved(DRUG, "rx-42", 30, T);

    private static DeciderSpec<InventoryCommand, Inventory, InventoryEvent> spec() {
        return DeciderSpec.of(new InventoryDecider());
    }

    @Test
    void receivesStock() {
        spec().givenNothing()
                .when(new ReceiveStock(DRUG, 100, T))
                .then(RECEIVED)
                .thenState(stock -> assertThat(stock.onHand()).isEqualTo(100));
    }

    @Test
    void rejectsReceivingLessThanOneUnit() {
        spec().givenNothing().when(new ReceiveStock(DRUG, 0, T)).thenRejected(InventoryRejection.InvalidQuantity.class);
    }

    @Test
    void receivesUpToTheCapacity() {
        spec().given(new StockReceived(DRUG, Inventory.MAX_ON_HAND - 1, T))
                .when(new ReceiveStock(DRUG, 1, T))
                .then(new StockReceived(DRUG, 1, T))
                .thenState(stock -> assertThat(stock.onHand()).isEqualTo(Inventory.MAX_ON_HAND));
    }

    @Test
    void rejectsReceivingBeyondTheCapacity() {
        spec().given(new StockReceived(DRUG, Inventory.MAX_ON_HAND, T))
                .when(new ReceiveStock(DRUG, Inventory.MAX_ON_HAND, T))
                .thenRejected(InventoryRejection.CapacityExceeded.class);
    }

    @Test
    void reservesAvailableStockForAPrescription() {
        spec().given(RECEIVED)
                .when(new ReserveStock(DRUG, "rx-42", 30, T))
                .then(RESERVED)
                .thenState(stock -> {
                    assertThat(stock.reserved()).isEqualTo(30);
                    assertThat(stock.available()).isEqualTo(70);
                });
    }

    @Test
    void rejectsReservingMoreThanIsAvailable() {
        spec().given(RECEIVED, RESERVED)
                .when(new ReserveStock(DRUG, "rx-43", 71, T))
                .thenRejected(InventoryRejection.InsufficientStock.class);
    }

    @Test
    void rejectsReservingTwiceForOnePrescription() {
        spec().given(RECEIVED, RESERVED)
                .when(new ReserveStock(DRUG, "rx-42", 10, T))
                .thenRejected(InventoryRejection.AlreadyReserved.class);
    }

    @Test
    void rejectsReservingLessThanOneUnit() {
        spec().given(RECEIVED).when(new ReserveStock(DRUG, "rx-42", 0, T)).thenRejected("inventory.invalid-quantity");
    }

    @Test
    void releasesWhatIsLeftOfAReservation() {
        spec().given(
                        RECEIVED,
                        RESERVED,
                        new ReservationReleased(DRUG, "rx-42", 10, T),
                        new StockRemoved(DRUG, "rx-42", 10, T))
                .when(new ReleaseReservation(DRUG, "rx-42", T))
                .then(new ReservationReleased(DRUG, "rx-42", 20, T))
                .thenState(stock -> {
                    assertThat(stock.onHand()).isEqualTo(90);
                    assertThat(stock.reserved()).isZero();
                });
    }

    @Test
    void releasingAnAbsentReservationChangesNothing() {
        spec().given(RECEIVED).when(new ReleaseReservation(DRUG, "rx-42", T)).thenNothingHappened();
    }

    @Test
    void dispensesFromAReservation() {
        spec().given(RECEIVED, RESERVED)
                .when(new DispenseFromReservation(DRUG, "rx-42", 10, T))
                .then(new ReservationReleased(DRUG, "rx-42", 10, T), new StockRemoved(DRUG, "rx-42", 10, T))
                .thenState(stock -> {
                    assertThat(stock.onHand()).isEqualTo(90);
                    assertThat(stock.reservedFor("rx-42")).isEqualTo(20);
                });
    }

    @Test
    void rejectsDispensingMoreThanIsReserved() {
        spec().given(RECEIVED, RESERVED)
                .when(new DispenseFromReservation(DRUG, "rx-42", 31, T))
                .thenRejected(InventoryRejection.ExceedsReservation.class);
    }

    @Test
    void rejectsDispensingWithoutAReservation() {
        spec().given(RECEIVED)
                .when(new DispenseFromReservation(DRUG, "rx-42", 1, T))
                .thenRejected(InventoryRejection.UnknownReservation.class);
    }

    @Test
    void rejectsDispensingLessThanOneUnit() {
        spec().given(RECEIVED, RESERVED)
                .when(new DispenseFromReservation(DRUG, "rx-42", 0, T))
                .thenRejected(InventoryRejection.InvalidQuantity.class);
    }

    @Test
    void requestsAReorderBelowTheThreshold() {
        spec().given(new StockReceived(DRUG, 5, T))
                .when(new InventoryCommand.RequestReorder(DRUG, 10, 100, T))
                .then(new InventoryEvent.ReorderRequested(DRUG, 100, 5, T))
                .thenState(stock -> assertThat(stock.onHand()).isEqualTo(5));
    }

    @Test
    void aReorderAtOrAboveTheThresholdChangesNothing() {
        spec().given(new StockReceived(DRUG, 10, T))
                .when(new InventoryCommand.RequestReorder(DRUG, 10, 100, T))
                .thenNothingHappened();
    }

    @Test
    void aDeductionLowersTheStockOnHand() {
        spec().given(RECEIVED, new InventoryEvent.StockDeducted(DRUG, "rx-42", 30, 70, T))
                .when(new ReceiveStock(DRUG, 1, T))
                .thenState(stock -> assertThat(stock.onHand()).isEqualTo(71));
    }
}
