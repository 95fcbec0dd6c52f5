package dev.verdict.examples.pharmacy;

import java.util.Map;
import java.util.TreeMap;

/**
 * The stock of one drug: units on the shelf, and the part of them set aside per reservation. {@link #EMPTY} is the
 * state before any event.
 *
 * <p>Invariant (kept by the {@link InventoryDecider}): {@code 0 <= reserved() <= onHand <= MAX_ON_HAND}. The
 * arithmetic on event data is checked: a history that would break the bound (it cannot be decided, but a stream
 * may hold anything) fails loudly with an {@link ArithmeticException} instead of wrapping into negative stock.
 *
 * @param reservations units still reserved, by reservation id; never holds a zero
 */
public record Inventory(String drug, int onHand, Map<String, Integer> reservations) {

    public static final Inventory EMPTY = new Inventory("", 0, Map.of());

    /**
     * The most units one drug's stock can hold: what an {@code int} holds. Receiving beyond it is refused ({@link
     * InventoryRejection.CapacityExceeded}), so stock never wraps around into a negative number.
     */
    public static final int MAX_ON_HAND = Integer.MAX_VALUE;

    public Inventory {
        reservations = Map.copyOf(reservations);
    }

    /** Units set aside for all reservations. */
    public int reserved() {
        long sum = reservations.values().stream().mapToLong(Integer::longValue).sum();
        return Math.toIntExact(sum);
    }

    /** Units on the shelf that no reservation holds. */
    public int available() {
        return Math.subtractExact(onHand, reserved());
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
