package dev.verdict.examples.pharmacy;

import dev.verdict.decider.Process;
import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import java.util.List;

/**
 * Keeps the stock in step with prescriptions: a verified prescription (or a started refill) reserves its fill's
 * quantity, a dispense takes units out of that reservation, a cancellation releases what is left of it.
 *
 * <p>The reservation id is the prescription id, and every command's timestamp is the triggering event's, so the
 * reaction to an event is always the same commands: together with command ids derived from the triggering event
 * (the host's job), a redelivered event never changes stock twice.
 *
 * <p>Stateless: every event carries what the reaction needs, so nothing must survive a restart.
 *
 * <pre>{@code
 * List<InventoryCommand> commands = new PharmacyProcess().react(PharmacyProcess.Stateless.INSTANCE, verified);
 * // [ReserveStock[drug=amoxicillin-500mg, reservationId=rx-42, quantity=30, ...]]
 * }</pre>
 */
public final class PharmacyProcess implements Process<PrescriptionEvent, PharmacyProcess.Stateless, InventoryCommand> {

    /** The process keeps no state of its own. */
    public enum Stateless {
        INSTANCE
    }

    @Override
    public Stateless initialState() {
        return Stateless.INSTANCE;
    }

    @Override
    public Stateless evolve(Stateless state, PrescriptionEvent event) {
        return state;
    }

    @Override
    public List<InventoryCommand> react(Stateless state, PrescriptionEvent event) {
        if (event instanceof PrescriptionVerified v) {
            return List.of(new ReserveStock(v.drug(), v.prescriptionId(), v.quantity(), v.occurredAt()));
        }
        if (event instanceof PrescriptionRefilled r) {
            return List.of(new ReserveStock(r.drug(), r.prescriptionId(), r.quantity(), r.occurredAt()));
        }
        if (event instanceof DrugDispensed d) {
            return List.of(new DispenseFromReservation(d.drug(), d.prescriptionId(), d.quantity(), d.occurredAt()));
        }
        if (event instanceof PrescriptionCancelled c && c.undispensed() > 0) {
            return List.of(new ReleaseReservation(c.drug(), c.prescriptionId(), c.occurredAt()));
        }
        return List.of();
    }
}
