package dev.verdict.spring.docs;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import java.util.List;

/** The decider of docs/spring-boot.md: a prescription with a number of doses left (the README's taste). */
public record Rx(int remaining) {

    public sealed interface RxCommand {
        record Dispense(int quantity) implements RxCommand {}
    }

    public sealed interface RxEvent {
        record Dispensed(int quantity) implements RxEvent {}
    }

    static final class OverDispense extends DomainRejection {
        private static final long serialVersionUID = 1L;

        OverDispense(int asked, int left) {
            super("rx.over-dispense", asked + " asked, only " + left + " left");
        }
    }

    public static final Decider<RxCommand, Rx, RxEvent> DECIDER = Decider.builder(
                    new Rx(30), RxCommand.class, RxEvent.class)
            .decide(RxCommand.Dispense.class, (dispense, rx) -> {
                if (dispense.quantity() > rx.remaining()) {
                    throw new OverDispense(dispense.quantity(), rx.remaining());
                }
                return List.of(new RxEvent.Dispensed(dispense.quantity()));
            })
            .evolve(RxEvent.Dispensed.class, (rx, dispensed) -> new Rx(rx.remaining() - dispensed.quantity()))
            .build();
}
