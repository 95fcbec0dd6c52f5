package dev.verdict.benchmarks.domain;

import dev.verdict.benchmarks.domain.PrescriptionCommand.Dispense;
import dev.verdict.benchmarks.domain.PrescriptionCommand.DispenseAndNotify;
import dev.verdict.benchmarks.domain.PrescriptionCommand.Order;
import dev.verdict.benchmarks.domain.PrescriptionEvent.DrugDispensed;
import dev.verdict.benchmarks.domain.PrescriptionEvent.LabelPrinted;
import dev.verdict.benchmarks.domain.PrescriptionEvent.PatientNotified;
import dev.verdict.benchmarks.domain.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.decider.Decider;
import java.time.Instant;
import java.util.List;

/**
 * The benchmark's prescription decider, written as plain static functions ({@link #decide}, {@link #evolve}) and
 * wrapped once as a Verdict {@link Decider}: the JMH benchmark compares the two to show the wrapper costs nothing.
 *
 * <pre>{@code
 * Decider<PrescriptionCommand, Prescription, PrescriptionEvent> d = Prescriptions.decider();
 * List<PrescriptionEvent> events = d.decide(Prescriptions.order(Instant.EPOCH), Prescription.NEW);
 * }</pre>
 */
public final class Prescriptions {
    private Prescriptions() {}

    public static Decider<PrescriptionCommand, Prescription, PrescriptionEvent> decider() {
        return Decider.of(Prescription.NEW, Prescriptions::decide, Prescriptions::evolve);
    }

    /**
     * The same decider written with {@link Decider#builder}: one handler per sealed subtype, dispatched by class. The
     * JMH benchmark shows it costs what the {@code instanceof} chain costs and allocates nothing more.
     */
    public static Decider<PrescriptionCommand, Prescription, PrescriptionEvent> typedDecider() {
        return Decider.builder(Prescription.NEW, PrescriptionCommand.class, PrescriptionEvent.class)
                .decide(Order.class, (o, state) -> {
                    if (!"NEW".equals(state.status())) {
                        throw new PrescriptionRejected(
                                "prescription.already-ordered", "the prescription was already ordered");
                    }
                    return List.of(new PrescriptionOrdered(
                            o.patient(), o.drug(), o.quantity(), o.unit(), o.refills(), o.prescriber(), o.at()));
                })
                .decide(Dispense.class, (d, state) -> {
                    requireDispensable(state, d.quantity());
                    return List.of(new DrugDispensed(d.quantity(), state.unit(), d.pharmacist(), d.at()));
                })
                .decide(DispenseAndNotify.class, (d, state) -> {
                    requireDispensable(state, d.quantity());
                    return List.of(
                            new DrugDispensed(d.quantity(), state.unit(), d.pharmacist(), d.at()),
                            new LabelPrinted(
                                    "Take one " + state.unit() + " three times a day with food",
                                    d.pharmacist(),
                                    d.at()),
                            new PatientNotified(d.channel(), "Your prescription is ready for pick-up", d.at()));
                })
                .evolve(
                        PrescriptionOrdered.class,
                        (state, o) -> new Prescription("ORDERED", o.unit(), o.quantity(), 0, 0, 0))
                .evolve(
                        DrugDispensed.class,
                        (state, d) -> new Prescription(
                                state.status(),
                                state.unit(),
                                state.prescribed(),
                                state.dispensed() + d.quantity(),
                                state.labels(),
                                state.notifications()))
                .evolve(
                        LabelPrinted.class,
                        (state, l) -> new Prescription(
                                state.status(),
                                state.unit(),
                                state.prescribed(),
                                state.dispensed(),
                                state.labels() + 1,
                                state.notifications()))
                .evolve(
                        PatientNotified.class,
                        (state, n) -> new Prescription(
                                state.status(),
                                state.unit(),
                                state.prescribed(),
                                state.dispensed(),
                                state.labels(),
                                state.notifications() + 1))
                .build();
    }

    public static List<PrescriptionEvent> decide(PrescriptionCommand command, Prescription state) {
        if (command instanceof Order o) {
            if (!"NEW".equals(state.status())) {
                throw new PrescriptionRejected("prescription.already-ordered", "the prescription was already ordered");
            }
            return List.of(new PrescriptionOrdered(
                    o.patient(), o.drug(), o.quantity(), o.unit(), o.refills(), o.prescriber(), o.at()));
        }
        if (command instanceof Dispense d) {
            requireDispensable(state, d.quantity());
            return List.of(new DrugDispensed(d.quantity(), state.unit(), d.pharmacist(), d.at()));
        }
        if (command instanceof DispenseAndNotify d) {
            requireDispensable(state, d.quantity());
            return List.of(
                    new DrugDispensed(d.quantity(), state.unit(), d.pharmacist(), d.at()),
                    new LabelPrinted(
                            "Take one " + state.unit() + " three times a day with food", d.pharmacist(), d.at()),
                    new PatientNotified(d.channel(), "Your prescription is ready for pick-up", d.at()));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private static void requireDispensable(Prescription state, int quantity) {
        if (!"ORDERED".equals(state.status())) {
            throw new PrescriptionRejected("prescription.not-ordered", "the prescription was not ordered");
        }
        if (quantity > state.remaining()) {
            throw new PrescriptionRejected(
                    "prescription.exceeds-remaining",
                    "cannot dispense " + quantity + ", only " + state.remaining() + " remain");
        }
    }

    public static Prescription evolve(Prescription state, PrescriptionEvent event) {
        if (event instanceof PrescriptionOrdered o) {
            return new Prescription("ORDERED", o.unit(), o.quantity(), 0, 0, 0);
        }
        if (event instanceof DrugDispensed d) {
            return new Prescription(
                    state.status(),
                    state.unit(),
                    state.prescribed(),
                    state.dispensed() + d.quantity(),
                    state.labels(),
                    state.notifications());
        }
        if (event instanceof LabelPrinted) {
            return new Prescription(
                    state.status(),
                    state.unit(),
                    state.prescribed(),
                    state.dispensed(),
                    state.labels() + 1,
                    state.notifications());
        }
        if (event instanceof PatientNotified) {
            return new Prescription(
                    state.status(),
                    state.unit(),
                    state.prescribed(),
                    state.dispensed(),
                    state.labels(),
                    state.notifications() + 1);
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    /** An order large enough that a benchmark never runs out of quantity. */
    public static Order order(Instant at) {
        return new Order("patient-4711", "amoxicillin 500 mg", Integer.MAX_VALUE, "capsule", 3, "dr-house", at);
    }

    public static Dispense dispense(Instant at) {
        return new Dispense(1, "pharmacist-7", at);
    }

    public static DispenseAndNotify dispenseAndNotify(Instant at) {
        return new DispenseAndNotify(1, "pharmacist-7", "sms", at);
    }
}
