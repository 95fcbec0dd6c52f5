package dev.verdict.examples.pharmacy;

import java.util.Map;
import java.util.TreeMap;

/**
 * The stock of one drug: units on the shelf, and the part of them set aside per reservation. {@link #EMPTY} is the
 * state before any event.
 *
 * <p>Invariant (kept by the {@link InventoryDecider}): {@code 0 <= reserved() <= onHand}.
 *
 * @param reservations units still reserved, by reservation id; never holds a zero
 */
public record Inventory(String drug, int onHand, Map<String, Integer> reservations) {

    public static final Inventory EMPTY = new Inventory("", 0, Map.of());

    public Inventory {
        reservations = Map.copyOf(reservations);
    }

    /** Units set aside for all reservations. */
    public int reserved() {
        return reservations.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Units on the shelf that no reservation holds. */
    public int available() {
        return onHand - reserved();
    }

    /** Units reserved for one reservation, 0 when it has none. */
    public int reservedFor(String reservationId) {
        return reservations.getOrDefault(reservationId, 0);
    }

    Inventory with(String newDrug, int newOnHand, String reservationId, int reservedForIt) {
        Map<String, Integer> next = new TreeMap<>(reservations);
        if (reservedForIt > 0) {
            next.put(reservationId, reservedForIt);
        } else {
            next.remove(reservationId);
        }
        return new Inventory(newDrug, newOnHand, next);
    }
}
