package dev.verdict.examples.pharmacy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.codec.EventUpcaster;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.UpcastEvent;
import dev.verdict.store.codec.Upcaster;
import java.util.List;

/**
 * The inventory's event codec with the upcasters that read what older releases stored:
 *
 * <ul>
 *   <li>{@code StockReceived} version 1 → 2: the count {@code quantity} is now {@code units};
 *   <li>{@code StockDispensed} (version 1, retired): reserved units that left the shelf, now two events – the
 *       reservation shrinks ({@code ReservationReleased} of those units), the units leave the shelf ({@code
 *       StockRemoved}). Both carry the stored message's sequence.
 * </ul>
 *
 * <pre>{@code
 * Registration.of(InventoryDecider.TYPE, InventoryEvents.CODEC);
 * }</pre>
 */
public final class InventoryEvents {
    /** The codec every reader of inventory events uses. */
    public static final JsonEventCodec<InventoryEvent> CODEC = JsonEventCodec.builder(InventoryEvent.class)
            .upcaster(Upcaster.of("StockReceived", 1, InventoryEvents::quantityToUnits))
            .upcaster(EventUpcaster.split("StockDispensed", 1, InventoryEvents::releasedThenRemoved))
            .build();

    private InventoryEvents() {}

    private static ObjectNode quantityToUnits(ObjectNode json) {
        json.set("units", json.remove("quantity"));
        return json;
    }

    private static List<UpcastEvent> releasedThenRemoved(ObjectNode json) {
        return List.of(
                new UpcastEvent("ReservationReleased", 1, json.deepCopy()), new UpcastEvent("StockRemoved", 1, json));
    }
}
