package dev.verdict.examples.pharmacy;

import java.time.Instant;

/**
 * What the pharmacy asks of the stock of one drug. Each command names its drug (the inventory entity's id) so a
 * process can route it, and carries the moment it was issued.
 *
 * <p>A reservation is keyed by the prescription it serves ({@code reservationId} = prescription id): at most one
 * open reservation per prescription, because a prescription has at most one fill in progress.
 */
public sealed interface InventoryCommand {

    /** The drug whose stock this command changes: the inventory entity's id. */
    String drug();

    /** When the command was issued. */
    Instant issuedAt();

    /** Stock delivered to the pharmacy. */
    record ReceiveStock(String drug, int quantity, Instant issuedAt) implements InventoryCommand {}

    /** Set units aside for a prescription's fill. */
    record ReserveStock(String drug, String reservationId, int quantity, Instant issuedAt)
            implements InventoryCommand {}

    /** Give back whatever is still reserved for a prescription; nothing happens when nothing is reserved. */
    record ReleaseReservation(String drug, String reservationId, Instant issuedAt) implements InventoryCommand {}

    /** Hand out reserved units: they leave the shelf and the reservation. */
    record DispenseFromReservation(String drug, String reservationId, int quantity, Instant issuedAt)
            implements InventoryCommand {}

    /**
     * Ask the supplier for {@code quantity} units if fewer than {@code threshold} are on hand; nothing happens when
     * the stock is at or above it (so a repeated request after a delivery is harmless).
     */
    record RequestReorder(String drug, int threshold, int quantity, Instant issuedAt) implements InventoryCommand {}
}
