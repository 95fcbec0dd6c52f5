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

    private static final JsonStateCodec<Prescription> CODEC = JsonStateCodec.of(Prescription.class);

    static final DeciderLaws<PrescriptionCommand, Prescription, PrescriptionEvent> LAWS = DeciderLaws.of(
                    new PrescriptionDecider(), commands())
            .invariant(
                    "dispensed in a fill <= prescribed quantity",
                    rx -> rx.dispensed() >= 0 && rx.dispensed() <= rx.quantity())
            .invariant(
                    "refills used <= refills allowed",
                    rx -> rx.refillsUsed() >= 0 && rx.refillsUsed() <= rx.refillsAllowed())
            .snapshotCodec(CODEC::encode, CODEC::decode);

    @Property(tries = 300)
    void invariantsHoldInEveryReachableState(@ForAll("histories") List<PrescriptionCommand> commands) {
        LAWS.checkInvariants(commands);
    }

    /** Quantities at the edges of {@code int}: no count wraps around, no arithmetic fails (a failure is a bug). */
    @Property(tries = 300)
    void invariantsHoldForQuantitiesAtTheEdgesOfInt(@ForAll("extremeHistories") List<PrescriptionCommand> commands) {
        LAWS.checkInvariants(commands);
        for (History.Step<PrescriptionCommand, Prescription, PrescriptionEvent> step :
                LAWS.replay(commands).steps()) {
            assertThat(step.after().remaining()).isBetween(0, step.after().quantity());
        }
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

    @Provide
    Arbitrary<List<PrescriptionCommand>> extremeHistories() {
        Arbitrary<Integer> edges = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(Integer.MAX_VALUE - 3, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE / 2 + 1)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<PrescriptionCommand> order = Combinators.combine(
                        edges, Arbitraries.integers().between(0, 2))
                .as((quantity, refills) -> new OrderPrescription(
                        "rx-1", "patient-1", "amoxicillin", quantity, "tablet", refills, "dr-1", T));
        Arbitrary<PrescriptionCommand> rest = Arbitraries.frequencyOf(
                Tuple.of(2, just(new VerifyPrescription("pharmacist-1", T))),
                Tuple.of(8, edges.map(q -> (PrescriptionCommand) new DispenseDrug(q, T))),
                Tuple.of(2, just(new RefillPrescription(T))));
        return Combinators.combine(order, rest.list().ofMaxSize(20)).as((first, more) -> {
            List<PrescriptionCommand> all = new ArrayList<>();
            all.add(first);
            all.addAll(more);
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
