package dev.verdict.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.View;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.AccountEvent.Deposited;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.AccountEvent.Withdrawn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ViewSpecTest {
    record Totals(int deposited, int withdrawn) {}

    static final View<Totals, AccountEvent> TOTALS = View.of(new Totals(0, 0), (totals, event) -> {
        if (event instanceof Deposited d) {
            return new Totals(totals.deposited() + d.amount(), totals.withdrawn());
        }
        if (event instanceof Withdrawn w) {
            return new Totals(totals.deposited(), totals.withdrawn() + w.amount());
        }
        return totals;
    });

    @Test
    void givenEventsThenTheState() {
        ViewSpec.of(TOTALS)
                .given(new Opened("alice"), new Deposited(100), new Withdrawn(30))
                .then(new Totals(100, 30))
                .andGiven(new Deposited(5))
                .then(new Totals(105, 30));
    }

    @Test
    void givenNothingIsTheInitialState() {
        ViewSpec.of(TOTALS).givenNothing().then(new Totals(0, 0));
    }

    @Test
    void wrongStateFailsWithEventsAndAFieldDifference() {
        assertThatThrownBy(() -> ViewSpec.of(TOTALS).given(new Deposited(100)).then(new Totals(90, 0)))
                .hasMessageContaining("The view's state is not the expected one.")
                .hasMessageContaining("given: 1 event\n  1. Deposited[amount=100]")
                .hasMessageContaining("deposited: expected 90 but was 100");
    }

    @Test
    void thenStateChecksWithAssertions() {
        ViewSpec.of(TOTALS)
                .given(new Deposited(1), new Deposited(2))
                .thenState(t -> assertThat(t.deposited()).isEqualTo(3));

        assertThatThrownBy(() -> ViewSpec.of(TOTALS)
                        .given(new Deposited(1))
                        .thenState(t -> assertThat(t.deposited()).isEqualTo(3)))
                .hasMessageContaining("The view's state does not satisfy the check")
                .hasMessageContaining("actual: Totals[deposited=1, withdrawn=0]");
    }

    @Test
    void catchesAViewThatMutatesItsState() {
        View<List<Integer>, AccountEvent> mutating = View.of(new ArrayList<>(), (list, event) -> {
            list.add(1);
            return list;
        });

        assertThatThrownBy(() -> ViewSpec.of(mutating).given(new Deposited(1)))
                .hasMessageContaining("The view's evolve mutated its state or event (event 1)");
    }

    @Test
    void catchesANonDeterministicView() {
        AtomicInteger calls = new AtomicInteger();
        View<Integer, AccountEvent> drifting = View.of(0, (n, event) -> n + calls.incrementAndGet());

        assertThatThrownBy(() -> ViewSpec.of(drifting).given(new Deposited(1)))
                .hasMessageContaining("the view's evolve is not deterministic");
    }
}
