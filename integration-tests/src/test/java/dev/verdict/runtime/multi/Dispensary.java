package dev.verdict.runtime.multi;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.EntityRead;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.store.codec.JsonEventCodec;
import java.util.ArrayList;
import java.util.List;

/** The test domain of multi-entity decisions: prescriptions, a drug's stock, and a dispense over both. */
final class Dispensary {
    private Dispensary() {}

    // --- prescription ---
    record Rx(int prescribed, int dispensed, int notes) {
        int remaining() {
            return prescribed - dispensed;
        }
    }

    sealed interface RxCommand permits Prescribe {}

    record Prescribe(int quantity) implements RxCommand {}

    sealed interface RxEvent permits Prescribed, Dispensed, Noted {}

    record Prescribed(int quantity) implements RxEvent {}

    record Dispensed(int quantity) implements RxEvent {}

    record Noted(String text) implements RxEvent {}

    static final Decider<RxCommand, Rx, RxEvent> RX = Decider.of(
            new Rx(0, 0, 0),
            (command, rx) -> List.of(new Prescribed(((Prescribe) command).quantity())),
            Dispensary::evolve);

    static Rx evolve(Rx rx, RxEvent event) {
        if (event instanceof Prescribed p) {
            return new Rx(rx.prescribed() + p.quantity(), rx.dispensed(), rx.notes());
        }
        if (event instanceof Dispensed d) {
            return new Rx(rx.prescribed(), rx.dispensed() + d.quantity(), rx.notes());
        }
        return new Rx(rx.prescribed(), rx.dispensed(), rx.notes() + 1);
    }

    // --- stock ---
    record Stock(int onHand) {}

    sealed interface StockCommand permits Receive {}

    record Receive(int quantity) implements StockCommand {}

    sealed interface StockEvent permits Received, Deducted {}

    record Received(int quantity) implements StockEvent {}

    record Deducted(int quantity) implements StockEvent {}

    static final Decider<StockCommand, Stock, StockEvent> STOCK = Decider.of(
            new Stock(0),
            (command, stock) -> List.of(new Received(((Receive) command).quantity())),
            (stock, event) -> event instanceof Received r
                    ? new Stock(stock.onHand() + r.quantity())
                    : new Stock(stock.onHand() - ((Deducted) event).quantity()));

    static final JsonEventCodec<RxEvent> RX_EVENTS = JsonEventCodec.of(RxEvent.class);
    static final JsonEventCodec<StockEvent> STOCK_EVENTS = JsonEventCodec.of(StockEvent.class);

    // --- the decision over both ---
    record Dispense(String rx, String drug, int quantity) {}

    static final class OverDispense extends DomainRejection {
        private static final long serialVersionUID = 1L;

        OverDispense(int quantity, int remaining) {
            super("prescription.over-dispense", "cannot dispense " + quantity + ", " + remaining + " remain");
        }
    }

    static final class InsufficientStock extends DomainRejection {
        private static final long serialVersionUID = 1L;

        InsufficientStock(int quantity, int onHand) {
            super("inventory.insufficient-stock", "cannot dispense " + quantity + ", " + onHand + " on hand");
        }
    }

    static final MultiDecider<Dispense, CombinedState<Rx, Stock>, Object> DISPENSE = MultiDecider.of(
            EntityRead.of("prescription", Dispense::rx, RX),
            EntityRead.of("inventory", Dispense::drug, STOCK),
            (command, rx, stock) -> {
                if (command.quantity() > rx.remaining()) {
                    throw new OverDispense(command.quantity(), rx.remaining());
                }
                if (command.quantity() > stock.onHand()) {
                    throw new InsufficientStock(command.quantity(), stock.onHand());
                }
                return new MultiDecider.EventsOfBoth<>(
                        List.<RxEvent>of(new Dispensed(command.quantity())),
                        List.<StockEvent>of(new Deducted(command.quantity())));
            });

    /**
     * A decision that writes two notes to a prescription only when the drug is in stock: the stock is read, not
     * written, so it is guarded by Nats-Expected-Last-Subject-Sequence-Subject. Written as a generic MultiDecider (no
     * EntityStates): the runtime folds each entity's events.
     */
    record NoteIfInStock(String rx, String drug, int notes) {}

    record Seen(Rx rx, Stock stock) {}

    static final MultiDecider<NoteIfInStock, Seen, Object> NOTE = MultiDecider.of(
            c -> List.of(EntityKey.of("prescription", c.rx()), EntityKey.of("inventory", c.drug())),
            new Seen(RX.initialState(), STOCK.initialState()),
            (seen, entity, event) -> entity.category().equals("prescription")
                    ? new Seen(evolve(seen.rx(), (RxEvent) event), seen.stock())
                    : new Seen(seen.rx(), STOCK.evolve(seen.stock(), (StockEvent) event)),
            (c, seen) -> {
                if (seen.stock().onHand() <= 0) {
                    throw new InsufficientStock(1, seen.stock().onHand());
                }
                List<Routed<Object>> notes = new ArrayList<>();
                for (int i = 0; i < c.notes(); i++) {
                    notes.add(Routed.to(EntityKey.of("prescription", c.rx()), new Noted("in stock " + i)));
                }
                return notes;
            });
}
