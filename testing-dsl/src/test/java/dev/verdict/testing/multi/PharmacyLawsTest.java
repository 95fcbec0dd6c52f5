package dev.verdict.testing.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.testing.LawViolation;
import dev.verdict.testing.MultiDeciderLaws;
import dev.verdict.testing.multi.PharmacyBoundary.Command;
import dev.verdict.testing.multi.PharmacyBoundary.Entities;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The multi-entity decider laws, on the pharmacy and on seeded violations of each law. */
class PharmacyLawsTest {
    static Arbitrary<Command> commands() {
        Arbitrary<String> ids = Arbitraries.of("rx-1", "rx-2");
        Arbitrary<String> drugs = Arbitraries.of("aspirin", "ibuprofen");
        Arbitrary<Integer> quantities = Arbitraries.integers().between(1, 10);
        return Arbitraries.oneOf(
                net.jqwik.api.Combinators.combine(ids, drugs, quantities).as(Command.Prescribe::new),
                net.jqwik.api.Combinators.combine(drugs, quantities).as(Command.Receive::new),
                net.jqwik.api.Combinators.combine(ids, drugs, quantities).as(Command.Dispense::new));
    }

    static final MultiDeciderLaws<Command, Entities, Object> LAWS = MultiDeciderLaws.of(
                    PharmacyBoundary.PHARMACY, commands())
            .invariant(
                    "stock never negative",
                    state -> state.stocks().values().stream().allMatch(s -> s.onHand() >= 0))
            .invariant(
                    "never dispensed more than prescribed",
                    state -> state.prescriptions().values().stream().allMatch(rx -> rx.remaining() >= 0));

    @Provide
    Arbitrary<List<Command>> histories() {
        return LAWS.commandSequences();
    }

    @Property(tries = 300)
    void thePharmacyKeepsEveryLaw(@ForAll("histories") List<Command> commands) {
        LAWS.checkAll(commands);
    }

    @Example
    void aReplayAppendsEachEventToTheEntityItIsRoutedTo() {
        var histories = LAWS.replay(List.of(
                new Command.Prescribe("rx-1", "aspirin", 10),
                new Command.Receive("aspirin", 4),
                new Command.Dispense("rx-1", "aspirin", 3)));

        assertThat(histories.get(Pharmacy.prescription("rx-1")))
                .containsExactly(
                        new Pharmacy.PrescriptionEvent.Prescribed("aspirin", 10),
                        new Pharmacy.PrescriptionEvent.Dispensed(3));
        assertThat(histories.get(Pharmacy.inventory("aspirin")))
                .containsExactly(
                        new Pharmacy.InventoryEvent.StockReceived(4), new Pharmacy.InventoryEvent.StockDeducted(3));
    }

    @Example
    void findsAnEventRoutedToAnEntityTheCommandDidNotRead() {
        MultiDecider<Command, Entities, Object> leaky = MultiDecider.of(
                PharmacyBoundary::reads,
                Entities.NONE,
                PharmacyBoundary::evolve,
                (command, state) -> command instanceof Command.Receive r
                        ? List.of(Routed.to(
                                Pharmacy.inventory(r.drug() + "-spare"),
                                new Pharmacy.InventoryEvent.StockReceived(r.quantity())))
                        : PharmacyBoundary.decide(command, state));

        assertThatThrownBy(() ->
                        MultiDeciderLaws.of(leaky, commands()).checkRouting(List.of(new Command.Receive("aspirin", 1))))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("Multi-entity decider law violated: routing")
                .hasMessageContaining("is routed to inventory/aspirin-spare, which the command does not read")
                .satisfies(v -> assertThat(((LawViolation) v).law()).isEqualTo("routing"));
    }

    @Example
    void findsAStateThatDependsOnTheOrderOfEntities() {
        MultiDecider<Command, List<Object>, Object> orderSensitive = MultiDecider.of(
                PharmacyBoundary::reads,
                List.of(),
                (seen, entity, event) -> {
                    List<Object> more = new java.util.ArrayList<>(seen);
                    more.add(event);
                    return List.copyOf(more);
                },
                (command, seen) -> {
                    List<dev.verdict.decider.EntityKey> reads = PharmacyBoundary.reads(command);
                    return reads.size() < 2
                            ? List.of(Routed.to(reads.get(0), new Pharmacy.InventoryEvent.StockReceived(1)))
                            : List.of(
                                    Routed.to(reads.get(1), new Pharmacy.InventoryEvent.StockDeducted(1)),
                                    Routed.to(reads.get(0), new Pharmacy.PrescriptionEvent.Dispensed(1)));
                });

        assertThatThrownBy(() -> MultiDeciderLaws.of(orderSensitive, commands())
                        .checkConsistency(List.of(new Command.Dispense("rx-1", "aspirin", 1))))
                .isInstanceOf(LawViolation.class)
                .satisfies(v -> assertThat(((LawViolation) v).law()).isEqualTo("consistency"));
    }

    @Example
    void findsABrokenInvariantWhenTheStockCheckIsMissing() {
        MultiDecider<Command, Entities, Object> careless =
                MultiDecider.of(PharmacyBoundary::reads, Entities.NONE, PharmacyBoundary::evolve, (command, state) -> {
                    if (command instanceof Command.Dispense d) {
                        return List.of(
                                Routed.to(
                                        Pharmacy.prescription(d.id()),
                                        new Pharmacy.PrescriptionEvent.Dispensed(d.quantity())),
                                Routed.to(
                                        Pharmacy.inventory(d.drug()),
                                        new Pharmacy.InventoryEvent.StockDeducted(d.quantity())));
                    }
                    return PharmacyBoundary.decide(command, state);
                });

        assertThatThrownBy(() -> MultiDeciderLaws.of(careless, commands())
                        .invariant(
                                "stock never negative",
                                state -> state.stocks().values().stream().allMatch(s -> s.onHand() >= 0))
                        .checkInvariants(List.of(
                                new Command.Prescribe("rx-1", "aspirin", 10),
                                new Command.Dispense("rx-1", "aspirin", 3))))
                .isInstanceOf(LawViolation.class)
                .hasMessageContaining("the invariant 'stock never negative' does not hold after the command")
                .hasMessageContaining("→ 2. Dispense[id=rx-1, drug=aspirin, quantity=3]");
    }

    @Example
    void findsANondeterministicDecision() {
        int[] calls = {0};
        MultiDecider<Command, Entities, Object> flaky = MultiDecider.of(
                PharmacyBoundary::reads,
                Entities.NONE,
                PharmacyBoundary::evolve,
                (command, state) -> List.of(Routed.to(
                        PharmacyBoundary.reads(command).get(0),
                        new Pharmacy.InventoryEvent.StockReceived(++calls[0]))));

        assertThatThrownBy(() -> MultiDeciderLaws.of(flaky, commands())
                        .checkDeterminism(List.of(new Command.Receive("aspirin", 1))))
                .isInstanceOf(LawViolation.class)
                .satisfies(v -> assertThat(((LawViolation) v).law()).isEqualTo("determinism"));
    }
}
