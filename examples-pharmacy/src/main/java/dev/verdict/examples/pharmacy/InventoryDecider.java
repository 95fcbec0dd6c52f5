package dev.verdict.examples.pharmacy;

import dev.verdict.decider.Decider;
import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.examples.pharmacy.InventoryEvent.ReservationReleased;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDispensed;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReserved;
import java.util.List;

/**
 * The stock of one drug, as a pure decider: receive, reserve for a prescription, release a reservation, dispense
 * from a reservation.
 *
 * <p>Guarantees (checked by {@code InventoryLawsTest} over random command sequences, quantities from the whole
 * {@code int} range): stock on hand is never negative and never more than {@link Inventory#MAX_ON_HAND}
 * (receiving beyond it is refused with {@code inventory.capacity-exceeded}), reserved units never exceed units on
 * hand, nothing is dispensed that was not reserved, and releasing an absent reservation changes nothing (so a
 * repeated release is harmless).
 *
 * <pre>{@code
 * InventoryDecider stock = new InventoryDecider();
 * List<InventoryEvent> events = stock.decide(new ReceiveStock("amoxicillin-500mg", 100, now), stock.initialState());
 * }</pre>
 */
public final class InventoryDecider implements Decider<InventoryCommand, Inventory, InventoryEvent> {

    @Override
    public Inventory initialState() {
        return Inventory.EMPTY;
    }

    @Override
    public List<InventoryEvent> decide(InventoryCommand command, Inventory state) {
        if (command instanceof ReceiveStock receive) {
            requirePositive(receive.quantity());
            if (receive.quantity() > Inventory.MAX_ON_HAND - state.onHand()) {
                throw new InventoryRejection.CapacityExceeded(receive.drug(), receive.quantity(), state.onHand());
            }
            return List.of(new StockReceived(receive.drug(), receive.quantity(), receive.issuedAt()));
        }
        if (command instanceof ReserveStock reserve) {
            requirePositive(reserve.quantity());
            int held = state.reservedFor(reserve.reservationId());
            if (held > 0) {
                throw new InventoryRejection.AlreadyReserved(reserve.reservationId(), held);
            }
            if (reserve.quantity() > state.available()) {
                throw new InventoryRejection.InsufficientStock(reserve.drug(), reserve.quantity(), state.available());
            }
            return List.of(
                    new StockReserved(reserve.drug(), reserve.reservationId(), reserve.quantity(), reserve.issuedAt()));
        }
        if (command instanceof ReleaseReservation release) {
            int held = state.reservedFor(release.reservationId());
            if (held == 0) {
                return List.of();
            }
            return List.of(new ReservationReleased(release.drug(), release.reservationId(), held, release.issuedAt()));
        }
        if (command instanceof DispenseFromReservation dispense) {
            requirePositive(dispense.quantity());
            int held = state.reservedFor(dispense.reservationId());
            if (held == 0) {
                throw new InventoryRejection.UnknownReservation(dispense.reservationId());
            }
            if (dispense.quantity() > held) {
                throw new InventoryRejection.ExceedsReservation(dispense.reservationId(), dispense.quantity(), held);
            }
            return List.of(new StockDispensed(
                    dispense.drug(), dispense.reservationId(), dispense.quantity(), dispense.issuedAt()));
        }
        throw new IllegalArgumentException("unknown inventory command " + command);
    }

    private static void requirePositive(int quantity) {
        if (quantity < 1) {
            throw new InventoryRejection.InvalidQuantity(quantity);
        }
    }

    @Override
    public Inventory evolve(Inventory state, InventoryEvent event) {
        if (event instanceof StockReceived r) {
            return new Inventory(r.drug(), Math.addExact(state.onHand(), r.quantity()), state.reservations());
        }
        if (event instanceof StockReserved r) {
            return state.with(r.drug(), state.onHand(), r.reservationId(), r.quantity());
        }
        if (event instanceof ReservationReleased r) {
            return state.with(r.drug(), state.onHand(), r.reservationId(), 0);
        }
        if (event instanceof StockDispensed d) {
            return state.with(
                    d.drug(),
                    Math.subtractExact(state.onHand(), d.quantity()),
                    d.reservationId(),
                    Math.subtractExact(state.reservedFor(d.reservationId()), d.quantity()));
        }
        throw new IllegalArgumentException("unknown inventory event " + event);
    }
}
