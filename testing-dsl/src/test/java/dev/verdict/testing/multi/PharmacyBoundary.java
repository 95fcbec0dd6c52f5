package dev.verdict.testing.multi;

import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.testing.multi.Pharmacy.InventoryEvent;
import dev.verdict.testing.multi.Pharmacy.Prescription;
import dev.verdict.testing.multi.Pharmacy.PrescriptionEvent;
import dev.verdict.testing.multi.Pharmacy.Stock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pharmacy as one multi-entity decider in the general form ({@code MultiDecider.of(reads, initialState,
 * evolve, decide)}), over a state keyed by id: each command reads only the entities it needs – prescribing reads the
 * prescription, receiving reads the inventory, dispensing reads both. Used by the laws, which need commands that
 * create the entities too.
 */
final class PharmacyBoundary {
    private PharmacyBoundary() {}

    sealed interface Command {
        record Prescribe(String id, String drug, int quantity) implements Command {}

        record Receive(String drug, int quantity) implements Command {}

        record Dispense(String id, String drug, int quantity) implements Command {}
    }

    /** The entities one command read, by id. */
    record Entities(Map<String, Prescription> prescriptions, Map<String, Stock> stocks) {
        static final Entities NONE = new Entities(Map.of(), Map.of());

        Prescription prescription(String id) {
            return prescriptions.getOrDefault(id, Prescription.NONE);
        }

        Stock stock(String drug) {
            return stocks.getOrDefault(drug, Stock.NONE);
        }

        Entities with(String id, Prescription rx) {
            Map<String, Prescription> more = new HashMap<>(prescriptions);
            more.put(id, rx);
            return new Entities(Map.copyOf(more), stocks);
        }

        Entities with(String drug, Stock stock) {
            Map<String, Stock> more = new HashMap<>(stocks);
            more.put(drug, stock);
            return new Entities(prescriptions, Map.copyOf(more));
        }
    }

    static List<EntityKey> reads(Command command) {
        if (command instanceof Command.Prescribe p) {
            return List.of(Pharmacy.prescription(p.id()));
        }
        if (command instanceof Command.Receive r) {
            return List.of(Pharmacy.inventory(r.drug()));
        }
        Command.Dispense d = (Command.Dispense) command;
        return List.of(Pharmacy.prescription(d.id()), Pharmacy.inventory(d.drug()));
    }

    static Entities evolve(Entities state, EntityKey entity, Object event) {
        if (entity.category().equals("prescription")) {
            return state.with(
                    entity.id(),
                    Pharmacy.PRESCRIPTIONS.evolve(state.prescription(entity.id()), (PrescriptionEvent) event));
        }
        return state.with(entity.id(), Pharmacy.INVENTORY.evolve(state.stock(entity.id()), (InventoryEvent) event));
    }

    static List<Routed<Object>> decide(Command command, Entities state) {
        if (command instanceof Command.Prescribe p) {
            return state.prescription(p.id()).equals(Prescription.NONE)
                    ? List.of(Routed.to(
                            Pharmacy.prescription(p.id()), new PrescriptionEvent.Prescribed(p.drug(), p.quantity())))
                    : List.of();
        }
        if (command instanceof Command.Receive r) {
            return List.of(Routed.to(Pharmacy.inventory(r.drug()), new InventoryEvent.StockReceived(r.quantity())));
        }
        Command.Dispense d = (Command.Dispense) command;
        return Pharmacy.DISPENSE.decide(
                new Pharmacy.DispenseFill(d.id(), d.drug(), d.quantity()),
                new dev.verdict.decider.CombinedState<>(state.prescription(d.id()), state.stock(d.drug())));
    }

    static final MultiDecider<Command, Entities, Object> PHARMACY =
            MultiDecider.of(PharmacyBoundary::reads, Entities.NONE, PharmacyBoundary::evolve, PharmacyBoundary::decide);
}
