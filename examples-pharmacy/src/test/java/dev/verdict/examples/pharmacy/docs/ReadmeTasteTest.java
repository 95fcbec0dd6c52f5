package dev.verdict.examples.pharmacy.docs;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.testing.DeciderSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "taste" of a decider and its spec, compiled and run exactly as shown there. */
class ReadmeTasteTest {
    // --- README: begin ---
    sealed interface RxCommand {
        record Dispense(int quantity) implements RxCommand {}
    }

    sealed interface RxEvent {
        record Dispensed(int quantity) implements RxEvent {}
    }

    record Rx(int remaining) {}

    static final class OverDispense extends DomainRejection {
        OverDispense(int asked, int left) {
            super("rx.over-dispense", asked + " asked, only " + left + " left");
        }
    }

    static final Decider<RxCommand, Rx, RxEvent> RX = Decider.builder(new Rx(30), RxCommand.class, RxEvent.class)
            .decide(RxCommand.Dispense.class, (dispense, rx) -> {
                if (dispense.quantity() > rx.remaining()) throw new OverDispense(dispense.quantity(), rx.remaining());
                return List.of(new RxEvent.Dispensed(dispense.quantity()));
            })
            .evolve(RxEvent.Dispensed.class, (rx, dispensed) -> new Rx(rx.remaining() - dispensed.quantity()))
            .build();

    @Test
    void rejectsDispensingMoreThanRemains() {
        DeciderSpec.of(RX)
                .given(new RxEvent.Dispensed(25))
                .when(new RxCommand.Dispense(6))
                .thenRejected(OverDispense.class);
    }
    // --- README: end ---

    @Test
    void dispensesWhatRemains() {
        DeciderSpec.of(RX)
                .given(new RxEvent.Dispensed(25))
                .when(new RxCommand.Dispense(5))
                .then(new RxEvent.Dispensed(5));
    }
}
