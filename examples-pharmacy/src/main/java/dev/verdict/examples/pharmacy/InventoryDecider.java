package dev.verdict.examples.pharmacy;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.RequestReorder;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.examples.pharmacy.InventoryEvent.ReorderRequested;
import dev.verdict.examples.pharmacy.InventoryEvent.ReservationReleased;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.InventoryEvent.StockRemoved;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReserved;
import java.util.List;

/**
 * The stock of one drug, as a pure decider: receive, request a reorder below a threshold, reserve for a prescription,
 * release a reservation, dispense from a reservation. A dispense of a prescription deducts its units through {@link
 * #deduct}, decided together with the prescription by {@link Dispensing} and stored in the same atomic append.
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
    /**
     * A drug's stock as an entity type, declared once here: its category ({@code inventory}) and this decider. The
     * registration, the dispense, the stock-reorder process's routing and the projections' filters all use it.
     */
    public static final EntityType<InventoryCommand, Inventory, InventoryEvent> TYPE =
            EntityType.of("inventory", new InventoryDecider());

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
            return List.of(
                    new ReservationReleased(
                            dispense.drug(), dispense.reservationId(), dispense.quantity(), dispense.issuedAt()),
                    new StockRemoved(
                            dispense.drug(), dispense.reservationId(), dispense.quantity(), dispense.issuedAt()));
        }
        if (command instanceof RequestReorder reorder) {
            requirePositive(reorder.quantity());
            if (state.onHand() >= reorder.threshold()) {
                return List.of();
            }
            return List.of(
                    new ReorderRequested(reorder.drug(), reorder.quantity(), state.onHand(), reorder.issuedAt()));
        }
        throw new IllegalArgumentException("unknown inventory command " + command);
    }

    /**
     * The stock's part of a dispense (see {@link Dispensing}): {@code quantity} units leave the shelf, refused with
     * {@code inventory.insufficient-stock} when fewer are on hand and not reserved. Never makes the stock negative.
     *
     * <pre>{@code
     * StockDeducted deducted = InventoryDecider.deduct("amoxicillin-500mg", "rx-42", 2, stock, now);
     * }</pre>
     */
    public static StockDeducted deduct(
            String drug, String prescriptionId, int quantity, Inventory state, java.time.Instant issuedAt) {
        requirePositive(quantity);
        if (quantity > state.available()) {
            throw new InventoryRejection.InsufficientStock(drug, quantity, state.available());
        }
        return new StockDeducted(drug, prescriptionId, quantity, state.onHand() - quantity, issuedAt);
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
            // a release of what was left releases all of it; the first half of a dispense (or of an old
            // StockDispensed) releases the dispensed units
            return state.with(
                    r.drug(),
                    state.onHand(),
                    r.reservationId(),
                    Math.max(0, Math.subtractExact(state.reservedFor(r.reservationId()), r.quantity())));
        }
        if (event instanceof StockRemoved d) {
            return new Inventory(d.drug(), Math.subtractExact(state.onHand(), d.quantity()), state.reservations());
        }
        if (event instanceof StockDeducted d) {
            return new Inventory(d.drug(), Math.subtractExact(state.onHand(), d.quantity()), state.reservations());
        }
        if (event instanceof ReorderRequested) {
            return state;
        }
        throw new IllegalArgumentException("unknown inventory event " + event);
    }
}
