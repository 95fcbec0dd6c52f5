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

    /** {@code quantity} reserved units left the shelf. */
    record StockDispensed(String drug, String reservationId, int quantity, Instant occurredAt)
            implements InventoryEvent {}
}
