package dev.verdict.testing.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.Process;
import dev.verdict.decider.View;
import dev.verdict.testing.DeciderSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Decider.builder}, {@code View.builder} and {@code Process.builder}: exhaustive, cast-free, checked at build. */
class TypedBuildersTest {
    sealed interface TankCommand {
        record Fill(int litres) implements TankCommand {}

        record Drain(int litres) implements TankCommand {}

        /** A nested sealed group: its members are commands of the tank too. */
        sealed interface Maintenance extends TankCommand {
            record Inspect(String inspector) implements Maintenance {}

            record Seal() implements Maintenance {}
        }
    }

    sealed interface TankEvent {
        record Filled(int litres) implements TankEvent {}

        record Drained(int litres) implements TankEvent {}

        record Inspected(String inspector) implements TankEvent {}

        record Sealed() implements TankEvent {}
    }

    record Tank(int litres, int inspections, boolean sealed) {
        static final Tank EMPTY = new Tank(0, 0, false);
    }

    static final class NotEnough extends DomainRejection {
        private static final long serialVersionUID = 1L;

        NotEnough(int asked, int held) {
            super("tank.not-enough", "cannot drain " + asked + " litres, only " + held + " held");
        }
    }

    static Decider.Builder<TankCommand, Tank, TankEvent> complete() {
        return Decider.builder(Tank.EMPTY, TankCommand.class, TankEvent.class)
                .decide(TankCommand.Fill.class, (fill, tank) -> List.of(new TankEvent.Filled(fill.litres())))
                .decide(TankCommand.Drain.class, (drain, tank) -> {
                    if (drain.litres() > tank.litres()) {
                        throw new NotEnough(drain.litres(), tank.litres());
                    }
                    return List.of(new TankEvent.Drained(drain.litres()));
                })
                .decide(
                        TankCommand.Maintenance.Inspect.class,
                        (inspect, tank) -> List.of(new TankEvent.Inspected(inspect.inspector())))
                .decide(TankCommand.Maintenance.Seal.class, (seal, tank) -> List.of(new TankEvent.Sealed()))
                .evolve(
                        TankEvent.Filled.class,
                        (tank, e) -> new Tank(tank.litres() + e.litres(), tank.inspections(), false))
                .evolve(
                        TankEvent.Drained.class,
                        (tank, e) -> new Tank(tank.litres() - e.litres(), tank.inspections(), false))
                .evolve(TankEvent.Inspected.class, (tank, e) -> new Tank(tank.litres(), tank.inspections() + 1, false))
                .evolve(TankEvent.Sealed.class, (tank, e) -> new Tank(tank.litres(), tank.inspections(), true))
                .terminalWhen(Tank::sealed);
    }

    static final Decider<TankCommand, Tank, TankEvent> TANK = complete().build();

    @Test
    void dispatchesEachCommandAndEventToItsOwnHandler() {
        DeciderSpec.of(TANK)
                .given(new TankEvent.Filled(10), new TankEvent.Inspected("ann"))
                .when(new TankCommand.Drain(4))
                .then(new TankEvent.Drained(4))
                .thenStateEquals(new Tank(6, 1, false))
                .and()
                .when(new TankCommand.Drain(7))
                .thenRejected(NotEnough.class)
                .and()
                .when(new TankCommand.Maintenance.Inspect("bob"))
                .then(new TankEvent.Inspected("bob"))
                .thenStateEquals(new Tank(6, 2, false));
    }

    @Test
    void keepsTheTerminalPredicate() {
        assertThat(TANK.isTerminal(new Tank(0, 0, true))).isTrue();
        assertThat(TANK.isTerminal(Tank.EMPTY)).isFalse();
    }

    @Test
    void refusesACommandWithoutAHandlerAndNamesIt() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder = Decider.builder(
                        Tank.EMPTY, TankCommand.class, TankEvent.class)
                .decide(TankCommand.Fill.class, (fill, tank) -> List.of())
                .decide(TankCommand.Maintenance.class, (m, tank) -> List.of())
                .evolve(TankEvent.class, (tank, e) -> tank);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no handler for command TypedBuildersTest.TankCommand.Drain")
                .hasMessageNotContaining("Fill")
                .hasMessageNotContaining("Inspect");
    }

    @Test
    void refusesAnEventWithoutAHandlerAndNamesEveryMissingOne() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder = Decider.builder(
                        Tank.EMPTY, TankCommand.class, TankEvent.class)
                .decide(TankCommand.class, (c, tank) -> List.of())
                .evolve(TankEvent.Filled.class, (tank, e) -> tank)
                .evolve(TankEvent.Drained.class, (tank, e) -> tank);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no handler for event TypedBuildersTest.TankEvent.Inspected")
                .hasMessageContaining("no handler for event TypedBuildersTest.TankEvent.Sealed");
    }

    @Test
    void findsMissingMembersOfANestedSealedGroup() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder = Decider.builder(
                        Tank.EMPTY, TankCommand.class, TankEvent.class)
                .decide(TankCommand.Fill.class, (fill, tank) -> List.of())
                .decide(TankCommand.Drain.class, (fill, tank) -> List.of())
                .decide(TankCommand.Maintenance.Inspect.class, (i, tank) -> List.of())
                .evolve(TankEvent.class, (tank, e) -> tank);

        assertThatThrownBy(builder::build)
                .hasMessageContaining("no handler for command TypedBuildersTest.TankCommand.Maintenance.Seal");
    }

    @Test
    void aHandlerForANestedSealedGroupCoversItsMembers() {
        Decider<TankCommand, Tank, TankEvent> d = Decider.builder(Tank.EMPTY, TankCommand.class, TankEvent.class)
                .decide(TankCommand.Fill.class, (fill, tank) -> List.of(new TankEvent.Filled(fill.litres())))
                .decide(TankCommand.Drain.class, (drain, tank) -> List.of(new TankEvent.Drained(drain.litres())))
                .decide(TankCommand.Maintenance.class, (m, tank) -> List.of(new TankEvent.Inspected(m.toString())))
                .evolve(TankEvent.class, (tank, e) -> tank)
                .build();

        assertThat(d.decide(new TankCommand.Maintenance.Seal(), Tank.EMPTY))
                .containsExactly(new TankEvent.Inspected("Seal[]"));
        assertThat(d.decide(new TankCommand.Fill(3), Tank.EMPTY)).containsExactly(new TankEvent.Filled(3));
    }

    @Test
    void refusesAGroupAndOneOfItsMembersBothHandled() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder =
                complete().decide(TankCommand.Maintenance.class, (m, tank) -> List.of());

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("command TypedBuildersTest.TankCommand.Maintenance.Inspect has more than one"
                        + " handler (TypedBuildersTest.TankCommand.Maintenance.Inspect,"
                        + " TypedBuildersTest.TankCommand.Maintenance)");
    }

    @Test
    void refusesTheSameTypeTwice() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder = complete();

        assertThatThrownBy(() -> builder.decide(TankCommand.Fill.class, (f, t) -> List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command TypedBuildersTest.TankCommand.Fill has a handler already");
    }

    interface OpenCommand {
        record Ping() implements OpenCommand {}
    }

    @Test
    void refusesARootThatIsNotSealed() {
        assertThatThrownBy(() -> Decider.builder(Tank.EMPTY, OpenCommand.class, TankEvent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TypedBuildersTest.OpenCommand is not sealed")
                .hasMessageContaining("Decider.of");
    }

    sealed interface Shape permits Square, Polygon {}

    record Square(int side) implements Shape {}

    /** A non-sealed member: its subclasses are open, so its handler covers them all. */
    non-sealed interface Polygon extends Shape {}

    record Triangle(int a, int b, int c) implements Polygon {}

    sealed interface ShapeEvent {
        record Drawn(String what) implements ShapeEvent {}
    }

    @Test
    void aNonSealedMemberIsHandledForAllOfItsSubtypes() {
        Decider<Shape, String, ShapeEvent> d = Decider.builder("", Shape.class, ShapeEvent.class)
                .decide(Square.class, (s, state) -> List.of(new ShapeEvent.Drawn("square")))
                .decide(Polygon.class, (p, state) -> List.of(new ShapeEvent.Drawn("polygon " + p)))
                .evolve(ShapeEvent.Drawn.class, (state, e) -> e.what())
                .build();

        assertThat(d.decide(new Triangle(3, 4, 5), ""))
                .containsExactly(new ShapeEvent.Drawn("polygon Triangle[a=3, b=4, c=5]"));
    }

    @Test
    void refusesAHandlerBelowANonSealedMemberBecauseItCannotCoverTheMember() {
        Decider.Builder<Shape, String, ShapeEvent> builder = Decider.builder("", Shape.class, ShapeEvent.class)
                .decide(Square.class, (s, state) -> List.of())
                .decide(Triangle.class, (t, state) -> List.of())
                .evolve(ShapeEvent.Drawn.class, (state, e) -> state);

        assertThatThrownBy(builder::build)
                .hasMessageContaining("no handler for command TypedBuildersTest.Polygon")
                .hasMessageContaining("the handler for TypedBuildersTest.Triangle covers no command");
    }

    @Test
    void theBuilderCanChangeAfterBuildWithoutChangingWhatItBuilt() {
        Decider.Builder<TankCommand, Tank, TankEvent> builder = complete();
        Decider<TankCommand, Tank, TankEvent> first = builder.build();
        builder.terminalWhen(tank -> true);

        assertThat(first.isTerminal(Tank.EMPTY)).isFalse();
    }

    @Test
    void aViewMustHandleOrIgnoreEveryEvent() {
        View.Builder<Integer, TankEvent> incomplete = View.builder(0, TankEvent.class)
                .on(TankEvent.Filled.class, (sum, e) -> sum + e.litres())
                .ignore(TankEvent.Drained.class, TankEvent.Inspected.class);

        assertThatThrownBy(incomplete::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the view over TypedBuildersTest.TankEvent is incomplete: no handler for event"
                        + " TypedBuildersTest.TankEvent.Sealed");

        View<Integer, TankEvent> filledTotal =
                incomplete.ignore(TankEvent.Sealed.class).build();
        int total = filledTotal.initialState();
        for (TankEvent e : List.of(new TankEvent.Filled(3), new TankEvent.Drained(1), new TankEvent.Filled(4))) {
            total = filledTotal.evolve(total, e);
        }
        assertThat(total).isEqualTo(7);
    }

    @Test
    void aProcessReactsEvolvesAndIgnoresPerEventType() {
        Process<TankEvent, Integer, TankCommand> refill = Process.<TankEvent, Integer, TankCommand>builder(
                        0, TankEvent.class)
                .evolve(TankEvent.Filled.class, (level, e) -> level + e.litres())
                .evolve(TankEvent.Drained.class, (level, e) -> level - e.litres())
                .react(
                        TankEvent.Drained.class,
                        (level, e) -> level - e.litres() < 5 ? List.of(new TankCommand.Fill(10)) : List.of())
                .ignore(TankEvent.Inspected.class, TankEvent.Sealed.class)
                .build();

        assertThat(refill.react(8, new TankEvent.Drained(4))).containsExactly(new TankCommand.Fill(10));
        assertThat(refill.react(20, new TankEvent.Drained(4))).isEmpty();
        assertThat(refill.react(8, new TankEvent.Filled(4))).isEmpty();
        assertThat(refill.evolve(8, new TankEvent.Drained(4))).isEqualTo(4);
        assertThat(refill.evolve(8, new TankEvent.Inspected("ann"))).isEqualTo(8);
    }

    @Test
    void aProcessMustMentionEveryEvent() {
        Process.Builder<TankEvent, Integer, TankCommand> builder = Process.<TankEvent, Integer, TankCommand>builder(
                        0, TankEvent.class)
                .react(TankEvent.Drained.class, (level, e) -> List.of());

        assertThatThrownBy(builder::build)
                .hasMessageContaining("no handler for event TypedBuildersTest.TankEvent.Filled")
                .hasMessageContaining("no handler for event TypedBuildersTest.TankEvent.Sealed");
    }
}
