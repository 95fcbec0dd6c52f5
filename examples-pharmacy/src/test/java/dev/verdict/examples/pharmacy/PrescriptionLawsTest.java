package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.DomainRejection;
import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The prescription's invariants, checked in every state reachable by random command sequences (rejected commands
 * are skipped, so every state tested is one the system can really be in).
 */
class PrescriptionLawsTest {
    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");
    private final PrescriptionDecider decider = new PrescriptionDecider();

    @Property(tries = 300)
    void aFillNeverDispensesMoreThanPrescribed(@ForAll("histories") List<PrescriptionCommand> commands) {
        for (Prescription state : reachableStates(commands)) {
            assertThat(state.dispensed()).isBetween(0, state.quantity());
        }
    }

    @Property(tries = 300)
    void refillsUsedNeverExceedRefillsAllowed(@ForAll("histories") List<PrescriptionCommand> commands) {
        for (Prescription state : reachableStates(commands)) {
            assertThat(state.refillsUsed()).isBetween(0, state.refillsAllowed());
        }
    }

    @Property(tries = 300)
    void nothingHappensAfterCancellation(@ForAll("histories") List<PrescriptionCommand> commands) {
        boolean cancelled = false;
        Prescription state = decider.initialState();
        for (PrescriptionCommand command : commands) {
            List<PrescriptionEvent> events = decideOrEmpty(command, state);
            if (cancelled) {
                assertThat(events).as("events after cancellation").isEmpty();
            }
            state = decider.fold(state, events);
            cancelled |= state.status() == PrescriptionStatus.CANCELLED;
        }
    }

    @Property(tries = 300)
    void terminalStatesAcceptNoCommand(
            @ForAll("histories") List<PrescriptionCommand> commands, @ForAll("commands") PrescriptionCommand next) {
        List<Prescription> states = reachableStates(commands);
        Prescription last = states.get(states.size() - 1);
        if (decider.isTerminal(last)) {
            assertThat(decideOrEmpty(next, last)).isEmpty();
        }
    }

    @Property(tries = 300)
    void everyDispenseIsRecordedWithTheFillItBelongsTo(@ForAll("histories") List<PrescriptionCommand> commands) {
        Prescription state = decider.initialState();
        for (PrescriptionCommand command : commands) {
            for (PrescriptionEvent event : decideOrEmpty(command, state)) {
                if (event instanceof PrescriptionEvent.DrugDispensed d) {
                    assertThat(d.fill()).isEqualTo(state.fill());
                    assertThat(d.remaining()).isEqualTo(state.remaining() - d.quantity());
                }
                state = decider.evolve(state, event);
            }
        }
    }

    @Property(tries = 300)
    void decisionsAreDeterministic(
            @ForAll("histories") List<PrescriptionCommand> commands, @ForAll("commands") PrescriptionCommand next) {
        List<Prescription> states = reachableStates(commands);
        Prescription last = states.get(states.size() - 1);
        assertThat(outcome(next, last)).isEqualTo(outcome(next, last));
    }

    private Object outcome(PrescriptionCommand command, Prescription state) {
        try {
            return decider.decide(command, state);
        } catch (DomainRejection rejection) {
            return rejection.code();
        }
    }

    private List<PrescriptionEvent> decideOrEmpty(PrescriptionCommand command, Prescription state) {
        try {
            return decider.decide(command, state);
        } catch (DomainRejection rejected) {
            return List.of();
        }
    }

    private List<Prescription> reachableStates(List<PrescriptionCommand> commands) {
        List<Prescription> states = new ArrayList<>();
        Prescription state = decider.initialState();
        states.add(state);
        for (PrescriptionCommand command : commands) {
            state = decider.fold(state, decideOrEmpty(command, state));
            states.add(state);
        }
        return states;
    }

    @Provide
    Arbitrary<List<PrescriptionCommand>> histories() {
        return Combinators.combine(orders(), commands().list().ofMaxSize(40)).as((order, rest) -> {
            List<PrescriptionCommand> all = new ArrayList<>();
            all.add(order);
            all.addAll(rest);
            return all;
        });
    }

    private Arbitrary<PrescriptionCommand> orders() {
        return Combinators.combine(
                        Arbitraries.integers().between(-1, 12),
                        Arbitraries.integers().between(-1, 3))
                .as((quantity, refills) -> new OrderPrescription(
                        "rx-1", "patient-1", "amoxicillin", quantity, "tablet", refills, "dr-1", T));
    }

    @Provide
    Arbitrary<PrescriptionCommand> commands() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, orders()),
                Tuple.of(3, just(new VerifyPrescription("pharmacist-1", T))),
                Tuple.of(8, Arbitraries.integers().between(-1, 13).map(q ->
                        (PrescriptionCommand) new DispenseDrug(q, T))),
                Tuple.of(3, just(new RefillPrescription(T))),
                Tuple.of(1, just(new CancelPrescription("patient moved", T))));
    }

    private static Arbitrary<PrescriptionCommand> just(PrescriptionCommand command) {
        return Arbitraries.just(command);
    }
}
