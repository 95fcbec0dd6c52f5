package dev.verdict.examples.pharmacy;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.ExpirePrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionExpired;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import java.util.List;

/**
 * The rules of one prescription, as a pure decider.
 *
 * <p>Guarantees (checked by {@code PrescriptionLawsTest} over random command sequences):
 *
 * <ul>
 *   <li>a fill never dispenses more than the prescribed quantity;
 *   <li>refills used never exceed the refills allowed;
 *   <li>nothing happens after cancellation or completion (both are terminal);
 *   <li>dispensing needs a verified prescription; a refill needs a complete fill;
 *   <li>nothing is dispensed or refilled at or after the prescription's expiry, whether or not the expiry timer has
 *       recorded {@code PrescriptionExpired} yet: the decider compares the command's own time ({@code issuedAt});
 *   <li>an expiry is recorded at most once, only for an open prescription whose expiry is at or before the timer's
 *       due instant (an {@code ExpirePrescription} delivered again changes nothing);
 *   <li>counts never wrap around: a fill's dispensed units stay within its quantity, and the arithmetic on event
 *       data is checked ({@link Math#addExact}), so a history that would overflow fails loudly instead.
 * </ul>
 *
 * <p>When a dispense completes the last fill and no refills remain, the decision has two events – {@code
 * DrugDispensed} and {@code PrescriptionCompleted} – stored atomically.
 *
 * <pre>{@code
 * PrescriptionDecider rx = new PrescriptionDecider();
 * Prescription ordered = rx.fold(rx.initialState(), rx.decide(order, rx.initialState()));
 * }</pre>
 *
 * <p>Written with {@code instanceof} chains so it compiles on Java 17; on Java 21 a {@code switch} over the sealed
 * command type reads the same and the compiler checks it is exhaustive.
 */
public final class PrescriptionDecider implements Decider<PrescriptionCommand, Prescription, PrescriptionEvent> {
    /**
     * Prescriptions as an entity type, declared once here: their category ({@code prescription}) and this decider.
     * The registration, the dispense, the readers, the expiry timers and the projections' filters all use it.
     */
    public static final EntityType<PrescriptionCommand, Prescription, PrescriptionEvent> TYPE =
            EntityType.of("prescription", new PrescriptionDecider());

    @Override
    public Prescription initialState() {
        return Prescription.NONE;
    }

    @Override
    public List<PrescriptionEvent> decide(PrescriptionCommand command, Prescription state) {
        if (command instanceof OrderPrescription order) {
            return order(order, state);
        }
        if (command instanceof ExpirePrescription expire) {
            return expire(expire, state);
        }
        requireOpen(command, state);
        if (command instanceof VerifyPrescription verify) {
            if (state.status() != PrescriptionStatus.ORDERED) {
                throw new PrescriptionRejection.AlreadyVerified();
            }
            return List.of(new PrescriptionVerified(
                    state.prescriptionId(), verify.pharmacistId(), state.drug(), state.quantity(), verify.issuedAt()));
        }
        if (command instanceof DispenseDrug dispense) {
            if (state.isExpiredAt(dispense.issuedAt())) {
                throw new PrescriptionRejection.Expired(state.expiresAt());
            }
            return dispense(dispense, state);
        }
        if (command instanceof RefillPrescription refill) {
            if (state.isExpiredAt(refill.issuedAt())) {
                throw new PrescriptionRejection.Expired(state.expiresAt());
            }
            if (state.status() != PrescriptionStatus.FILLED) {
                throw new PrescriptionRejection.FillIncomplete(state.remaining());
            }
            return List.of(new PrescriptionRefilled(
                    state.prescriptionId(),
                    state.drug(),
                    Math.addExact(state.fill(), 1),
                    state.quantity(),
                    state.refillsLeft() - 1,
                    refill.issuedAt()));
        }
        if (command instanceof CancelPrescription cancel) {
            int undispensed = state.canDispense() ? state.remaining() : 0;
            return List.of(new PrescriptionCancelled(
                    state.prescriptionId(), state.drug(), cancel.reason(), undispensed, cancel.issuedAt()));
        }
        throw new IllegalArgumentException("unknown prescription command " + command);
    }

    private static List<PrescriptionEvent> order(OrderPrescription order, Prescription state) {
        if (state.status() != PrescriptionStatus.NONE) {
            throw new PrescriptionRejection.AlreadyExists(state.prescriptionId());
        }
        if (order.quantity() < 1) {
            throw new PrescriptionRejection.InvalidQuantity(order.quantity());
        }
        if (order.refills() < 0) {
            throw new PrescriptionRejection.InvalidRefills(order.refills());
        }
        if (order.expiresAt().isPresent() && !order.expiresAt().get().isAfter(order.issuedAt())) {
            throw new PrescriptionRejection.InvalidExpiry(order.expiresAt().get(), order.issuedAt());
        }
        return List.of(new PrescriptionOrdered(
                order.prescriptionId(),
                order.patientId(),
                order.drug(),
                order.quantity(),
                order.unit(),
                order.refills(),
                order.prescriberId(),
                order.issuedAt(),
                order.expiresAt().orElse(null)));
    }

    /** The expiry timer fell due: expired once, if still open and due; otherwise nothing (never a rejection). */
    private static List<PrescriptionEvent> expire(ExpirePrescription expire, Prescription state) {
        if (state.status() == PrescriptionStatus.NONE
                || state.status().isTerminal()
                || !state.isExpiredAt(expire.issuedAt())) {
            return List.of();
        }
        return List.of(
                new PrescriptionExpired(state.prescriptionId(), state.drug(), state.expiresAt(), expire.issuedAt()));
    }

    /** Rejects every command but an order on a prescription that does not exist or is in a terminal status. */
    private static void requireOpen(PrescriptionCommand command, Prescription state) {
        if (state.status() == PrescriptionStatus.NONE) {
            throw new PrescriptionRejection.NotFound();
        }
        if (state.status() == PrescriptionStatus.CANCELLED) {
            throw new PrescriptionRejection.Cancelled();
        }
        if (state.status() == PrescriptionStatus.COMPLETED) {
            if (command instanceof RefillPrescription) {
                throw new PrescriptionRejection.NoRefillsLeft(state.refillsAllowed());
            }
            throw new PrescriptionRejection.Completed();
        }
        if (state.status() == PrescriptionStatus.EXPIRED) {
            throw new PrescriptionRejection.Expired(state.expiresAt());
        }
    }

    private static List<PrescriptionEvent> dispense(DispenseDrug dispense, Prescription state) {
        if (dispense.quantity() < 1) {
            throw new PrescriptionRejection.InvalidQuantity(dispense.quantity());
        }
        if (state.status() == PrescriptionStatus.ORDERED) {
            throw new PrescriptionRejection.NotVerified();
        }
        if (dispense.quantity() > state.remaining()) {
            throw new PrescriptionRejection.OverDispense(dispense.quantity(), state.remaining());
        }
        int remaining = state.remaining() - dispense.quantity();
        DrugDispensed dispensed = new DrugDispensed(
                state.prescriptionId(),
                state.drug(),
                state.fill(),
                dispense.quantity(),
                remaining,
                dispense.issuedAt());
        if (remaining == 0 && state.refillsLeft() == 0) {
            return List.of(
                    dispensed, new PrescriptionCompleted(state.prescriptionId(), state.fill(), dispense.issuedAt()));
        }
        return List.of(dispensed);
    }

    @Override
    public Prescription evolve(Prescription state, PrescriptionEvent event) {
        if (event instanceof PrescriptionOrdered o) {
            return new Prescription(
                    PrescriptionStatus.ORDERED,
                    o.prescriptionId(),
                    o.patientId(),
                    o.drug(),
                    o.quantity(),
                    o.unit(),
                    o.refills(),
                    0,
                    0,
                    0,
                    o.expiresAt());
        }
        if (event instanceof PrescriptionVerified) {
            return state.withFill(PrescriptionStatus.VERIFIED, 1, 0, 0);
        }
        if (event instanceof DrugDispensed d) {
            int dispensed = Math.addExact(state.dispensed(), d.quantity());
            PrescriptionStatus status =
                    dispensed < state.quantity() ? PrescriptionStatus.DISPENSING : PrescriptionStatus.FILLED;
            return state.withFill(status, state.fill(), state.refillsUsed(), dispensed);
        }
        if (event instanceof PrescriptionRefilled r) {
            return state.withFill(PrescriptionStatus.VERIFIED, r.fill(), Math.addExact(state.refillsUsed(), 1), 0);
        }
        if (event instanceof PrescriptionCancelled) {
            return state.withStatus(PrescriptionStatus.CANCELLED);
        }
        if (event instanceof PrescriptionCompleted) {
            return state.withStatus(PrescriptionStatus.COMPLETED);
        }
        if (event instanceof PrescriptionExpired) {
            return state.withStatus(PrescriptionStatus.EXPIRED);
        }
        throw new IllegalArgumentException("unknown prescription event " + event);
    }

    @Override
    public boolean isTerminal(Prescription state) {
        return state.status().isTerminal();
    }
}
