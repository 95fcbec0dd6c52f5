package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verdict.examples.pharmacy.Inventory;

/** The public JSON shape of a drug's stock: {@code GET /inventory/{drug}}. */
@JsonPropertyOrder({"drug", "onHand", "reserved"})
public record InventoryResource(String drug, int onHand, int reserved) {

    static InventoryResource of(Inventory inventory) {
        return new InventoryResource(inventory.drug(), inventory.onHand(), inventory.reserved());
    }
}
