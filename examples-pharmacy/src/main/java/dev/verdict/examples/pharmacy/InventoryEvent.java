package dev.verdict.examples.pharmacy;

import java.time.Instant;

/** What happened to the stock of one drug. */
public sealed interface InventoryEvent {

    String drug();

    Instant occurredAt();

    record StockReceived(String drug, int quantity, Instant occurredAt) implements InventoryEvent {}

    record StockReserved(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}

    /** The {@code quantity} still reserved for {@code reservationId} went back to available stock. */
    record ReservationReleased(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}

    /**
     * {@code quantity} units left the shelf for a dispense of {@code prescriptionId}, decided together with the
     * prescription's {@code DrugDispensed} and stored in the same atomic append; {@code remaining} units are on hand
     * after it.
     */
    record StockDeducted(String drug, String prescriptionId, int quantity, int remaining, Instant occurredAt)
            implements InventoryEvent {}

    /**
     * The stock fell below the reorder threshold: {@code quantity} units should be ordered from the supplier. Changes
     * no stock (the delivery is a later {@code StockReceived}).
     */
    record ReorderRequested(String drug, int quantity, int onHand, Instant occurredAt) implements InventoryEvent {}

    /** {@code quantity} reserved units left the shelf. */
    record StockDispensed(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}
}
