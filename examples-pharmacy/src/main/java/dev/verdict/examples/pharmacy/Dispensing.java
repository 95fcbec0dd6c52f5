package dev.verdict.examples.pharmacy;

import dev.verdict.decider.ChosenRead;
import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.MultiDecider;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A dispense as one decision over two entities: the prescription (its fill) and the drug's stock. Both change in one
 * atomic append – the prescription's {@code DrugDispensed} (and {@code PrescriptionCompleted} after the last fill)
 * and the stock's {@code StockDeducted} – guarded by both entities' versions, so the stock never goes negative and the
 * two never disagree, whatever runs concurrently.
 *
 * <p>The command names the prescription only: the decision reads it, then the stock of the drug it names ({@link
 * ChosenRead}), and guards both in the one append – no read before the command.
 *
 * <p>Rules: the prescription decides first, exactly as for its own {@code DispenseDrug} command (not verified,
 * over-dispense, … are its rejections); then the stock must have the units on hand and unreserved, else {@code
 * inventory.insufficient-stock} and nothing is stored on either entity.
 *
 * <pre>{@code
 * Dispensing dispensing = new Dispensing();   // over PrescriptionDecider.TYPE and InventoryDecider.TYPE
 * List<Routed<Object>> events = dispensing.decider().decide(
 *         new DispenseFill("rx-42", 2, now), new CombinedState<>(prescription, stock));
 * }</pre>
 */
public final class Dispensing {

    /**
     * Dispense {@code quantity} units for prescription {@code prescriptionId}. The drug is the prescription's (fixed
     * when it was ordered): the decision reads the prescription, then the stock of the drug it names.
     */
    public record DispenseFill(String prescriptionId, int quantity, Instant issuedAt) {
        public DispenseFill {
            Objects.requireNonNull(prescriptionId, "prescriptionId");
            Objects.requireNonNull(issuedAt, "issuedAt");
        }
    }

    private final MultiDecider<DispenseFill, CombinedState<Prescription, Inventory>, Object> decider;

    /**
     * The dispense over {@link PrescriptionDecider#TYPE} and {@link InventoryDecider#TYPE}: register those types, and
     * the runtime shares each entity's cached state and snapshots with the dispense (both fold with the same decider
     * instances).
     */
    public Dispensing() {
        Decider<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions =
                PrescriptionDecider.TYPE.decider();
        this.decider = MultiDecider.of(
                PrescriptionDecider.TYPE.read(DispenseFill::prescriptionId),
                // the stock of the drug the prescription names; none for a prescription never ordered (refused below)
                InventoryDecider.TYPE.chosenRead((DispenseFill fill, Prescription prescription) ->
                        prescription.drug().isEmpty() ? Optional.<String>empty() : Optional.of(prescription.drug())),
                (fill, prescription, stock) -> {
                    List<PrescriptionEvent> dispensed =
                            prescriptions.decide(new DispenseDrug(fill.quantity(), fill.issuedAt()), prescription);
                    StockDeducted deducted = InventoryDecider.deduct(
                            prescription.drug(), fill.prescriptionId(), fill.quantity(), stock, fill.issuedAt());
                    return new MultiDecider.EventsOfBoth<PrescriptionEvent, InventoryEvent>(
                            dispensed, List.of(deducted));
                });
    }

    /** The multi-entity decider of a dispense. */
    public MultiDecider<DispenseFill, CombinedState<Prescription, Inventory>, Object> decider() {
        return decider;
    }
}
