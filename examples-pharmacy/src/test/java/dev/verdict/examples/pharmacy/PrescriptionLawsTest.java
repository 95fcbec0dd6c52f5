package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.DeciderLaws;
import dev.verdict.testing.History;
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
 * The prescription's laws, checked with {@link DeciderLaws} in every state reachable by random command sequences
 * (rejected commands are skipped, so every state tested is one the system can really be in). Each history starts
 * with an order – with a random, sometimes invalid, quantity and number of refills – so most of them get far.
 */
class PrescriptionLawsTest {
    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    static final DeciderLaws<PrescriptionCommand, Prescription, PrescriptionEvent> LAWS = DeciderLaws.of(
                    new PrescriptionDecider(), commands())
            .invariant(
                    "dispensed in a fill <= prescribed quantity",
                    rx -> rx.dispensed() >= 0 && rx.dispensed() <= rx.quantity())
            .invariant(
                    "refills used <= refills allowed",
                    rx -> rx.refillsUsed() >= 0 && rx.refillsUsed() <= rx.refillsAllowed())
            .snapshotCodec(JsonStateCodec.of(Prescription.class));

    @Property(tries = 300)
    void invariantsHoldInEveryReachableState(@ForAll("histories") List<PrescriptionCommand> commands) {
        LAWS.checkInvariants(commands);
    }

    @Property(tries = 300)
    void nothingHappensAfterCancellation(@ForAll("histories") List<PrescriptionCommand> commands) {
        boolean cancelled = false;
        for (History.Step<PrescriptionCommand, Prescription, PrescriptionEvent> step :
                LAWS.replay(commands).steps()) {
            if (cancelled) {
                assertThat(step.events()).as("events after cancellation").isEmpty();
            }
            cancelled |= step.after().status() == PrescriptionStatus.CANCELLED;
        }
    }

    @Property(tries = 300)
    void completedAndCancelledPrescriptionsAcceptNoCommand(@ForAll("histories") List<PrescriptionCommand> commands) {
        LAWS.checkTerminalStatesAbsorbing(commands);
    }

    @Property(tries = 150)
    void decisionsAreDeterministicAndPure(@ForAll("histories") List<PrescriptionCommand> commands) {
        LAWS.checkDeterminism(commands);
    }

    @Property(tries = 50)
    void aSnapshotContinuesExactlyLikeTheOriginal(@ForAll("histories") List<PrescriptionCommand> commands) {
        LAWS.checkSnapshotEquivalence(commands);
    }

    @Property(tries = 300)
    void everyDispenseNamesItsFillAndWhatRemains(@ForAll("histories") List<PrescriptionCommand> commands) {
        for (History.Step<PrescriptionCommand, Prescription, PrescriptionEvent> step :
                LAWS.replay(commands).steps()) {
            for (PrescriptionEvent event : step.events()) {
                if (event instanceof PrescriptionEvent.DrugDispensed d) {
                    assertThat(d.fill()).isEqualTo(step.before().fill());
                    assertThat(d.remaining()).isEqualTo(step.before().remaining() - d.quantity());
                }
            }
        }
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

    private static Arbitrary<PrescriptionCommand> orders() {
        return Combinators.combine(
                        Arbitraries.integers().between(-1, 12),
                        Arbitraries.integers().between(-1, 3))
                .as((quantity, refills) -> new OrderPrescription(
                        "rx-1", "patient-1", "amoxicillin", quantity, "tablet", refills, "dr-1", T));
    }

    static Arbitrary<PrescriptionCommand> commands() {
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
