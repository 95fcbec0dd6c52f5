package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verdict.examples.pharmacy.Inventory;

/**
 * The public JSON shape of a drug's stock: {@code GET /inventory/{drug}}. The inventory's reservations are not shown:
 * the app makes none (a dispense takes its units in the same atomic append), so they would always be 0.
 */
@JsonPropertyOrder({"drug", "onHand"})
public record InventoryResource(String drug, int onHand) {

    static InventoryResource of(Inventory inventory) {
        return new InventoryResource(inventory.drug(), inventory.onHand());
    }
}
