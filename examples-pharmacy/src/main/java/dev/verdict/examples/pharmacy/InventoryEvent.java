package dev.verdict.examples.pharmacy;

import dev.verdict.store.codec.EventType;
import java.time.Instant;

/**
 * What happened to the stock of one drug. Stored histories of older releases are read through {@link
 * InventoryEvents#CODEC}: {@code StockReceived} version 1 named its count {@code quantity}, and the retired {@code
 * StockDispensed} is read as a {@link ReservationReleased} and a {@link StockRemoved} (docs/evolution.md).
 */
public sealed interface InventoryEvent {

    String drug();

    Instant occurredAt();

    /**
     * {@code units} arrived. Version 2: version 1 stored the count as {@code quantity} (upcast by {@link
     * InventoryEvents#CODEC}).
     */
    @EventType(value = "StockReceived", version = 2)
    record StockReceived(String drug, int units, Instant occurredAt) implements InventoryEvent {
        /** The units received (the name the count had before version 2). */
        public int quantity() {
            return units;
        }
    }

    record StockReserved(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}

    /** {@code quantity} units reserved for {@code reservationId} are no longer reserved. */
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

    /**
     * {@code quantity} units left the shelf for {@code reservationId} (after a {@link ReservationReleased} of the
     * same units). Together the two replace the retired {@code StockDispensed}, which stored releases read as them.
     */
    record StockRemoved(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}
}
