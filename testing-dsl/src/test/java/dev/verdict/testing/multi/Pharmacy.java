package dev.verdict.testing.multi;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.EntityRead;
import dev.verdict.decider.MultiDecider;
import java.util.List;

/**
 * A dispense in the pharmacy's terms as one decision over two entities: it reads a prescription and the drug's
 * inventory, refuses when either cannot give the quantity, and emits {@code Dispensed} for the prescription and
 * {@code StockDeducted} for the inventory – appended together or not at all.
 */
final class Pharmacy {
    private Pharmacy() {}

    // --- the prescription entity
    sealed interface PrescriptionCommand {
        record Prescribe(String drug, int quantity) implements PrescriptionCommand {}
    }

    sealed interface PrescriptionEvent {
        record Prescribed(String drug, int quantity) implements PrescriptionEvent {}

        record Dispensed(int quantity) implements PrescriptionEvent {}
    }

    record Prescription(String drug, int prescribed, int dispensed) {
        static final Prescription NONE = new Prescription("", 0, 0);

        int remaining() {
            return prescribed - dispensed;
        }
    }

    static final Decider<PrescriptionCommand, Prescription, PrescriptionEvent> PRESCRIPTIONS = Decider.builder(
                    Prescription.NONE, PrescriptionCommand.class, PrescriptionEvent.class)
            .decide(
                    PrescriptionCommand.Prescribe.class,
                    (p, rx) -> rx.equals(Prescription.NONE)
                            ? List.of(new PrescriptionEvent.Prescribed(p.drug(), p.quantity()))
                            : List.of())
            .evolve(PrescriptionEvent.Prescribed.class, (rx, p) -> new Prescription(p.drug(), p.quantity(), 0))
            .evolve(
                    PrescriptionEvent.Dispensed.class,
                    (rx, d) -> new Prescription(rx.drug(), rx.prescribed(), rx.dispensed() + d.quantity()))
            .build();

    // --- the inventory entity
    sealed interface InventoryCommand {
        record Receive(int quantity) implements InventoryCommand {}
    }

    sealed interface InventoryEvent {
        record StockReceived(int quantity) implements InventoryEvent {}

        record StockDeducted(int quantity) implements InventoryEvent {}
    }

    record Stock(int onHand) {
        static final Stock NONE = new Stock(0);
    }

    static final Decider<InventoryCommand, Stock, InventoryEvent> INVENTORY = Decider.builder(
                    Stock.NONE, InventoryCommand.class, InventoryEvent.class)
            .decide(
                    InventoryCommand.Receive.class,
                    (r, stock) -> List.of(new InventoryEvent.StockReceived(r.quantity())))
            .evolve(InventoryEvent.StockReceived.class, (stock, r) -> new Stock(stock.onHand() + r.quantity()))
            .evolve(InventoryEvent.StockDeducted.class, (stock, d) -> new Stock(stock.onHand() - d.quantity()))
            .build();

    // --- refusals
    static final class NotPrescribed extends DomainRejection {
        private static final long serialVersionUID = 1L;

        NotPrescribed(String id) {
            super("prescription.not-prescribed", id + " was not prescribed");
        }
    }

    static final class OverDispense extends DomainRejection {
        private static final long serialVersionUID = 1L;

        OverDispense(int asked, int remaining) {
            super("prescription.over-dispense", "cannot dispense " + asked + ", only " + remaining + " remain");
        }
    }

    static final class InsufficientStock extends DomainRejection {
        private static final long serialVersionUID = 1L;

        InsufficientStock(String drug, int asked, int onHand) {
            super("inventory.insufficient-stock", "cannot take " + asked + " of " + drug + ", " + onHand + " on hand");
        }
    }

    // --- the decision across both
    record DispenseFill(String prescriptionId, String drug, int quantity) {}

    static final MultiDecider<DispenseFill, CombinedState<Prescription, Stock>, Object> DISPENSE = MultiDecider.of(
            EntityRead.of("prescription", DispenseFill::prescriptionId, PRESCRIPTIONS),
            EntityRead.of("inventory", DispenseFill::drug, INVENTORY),
            (fill, rx, stock) -> {
                if (rx.equals(Prescription.NONE) || !rx.drug().equals(fill.drug())) {
                    throw new NotPrescribed(fill.prescriptionId());
                }
                if (fill.quantity() > rx.remaining()) {
                    throw new OverDispense(fill.quantity(), rx.remaining());
                }
                if (fill.quantity() > stock.onHand()) {
                    throw new InsufficientStock(fill.drug(), fill.quantity(), stock.onHand());
                }
                return new MultiDecider.EventsOfBoth<>(
                        List.of(new PrescriptionEvent.Dispensed(fill.quantity())),
                        List.of(new InventoryEvent.StockDeducted(fill.quantity())));
            });

    static EntityKey prescription(String id) {
        return EntityKey.of("prescription", id);
    }

    static EntityKey inventory(String drug) {
        return EntityKey.of("inventory", drug);
    }
}
