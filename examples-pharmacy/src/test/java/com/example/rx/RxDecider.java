package com.example.rx;

import dev.verdict.decider.Decider;
import java.util.List;

public final class RxDecider {
    public static final Decider<RxCommand, Rx, RxEvent> DECIDER = Decider.builder(
                    Rx.NONE, RxCommand.class, RxEvent.class)
            .decide(
                    RxCommand.Prescribe.class,
                    (prescribe, rx) -> rx.equals(Rx.NONE)
                            ? List.of(new RxEvent.Prescribed(prescribe.drug(), prescribe.quantity(), prescribe.at()))
                            : List.of())
            .decide(RxCommand.Dispense.class, (dispense, rx) -> {
                if (rx.equals(Rx.NONE)) {
                    throw new NotPrescribed();
                }
                if (dispense.quantity() > rx.remaining()) {
                    throw new OverDispense(dispense.quantity(), rx.remaining());
                }
                return List.of(new RxEvent.Dispensed(dispense.quantity(), dispense.at()));
            })
            .evolve(RxEvent.Prescribed.class, (rx, prescribed) -> new Rx(prescribed.drug(), prescribed.quantity(), 0))
            .evolve(
                    RxEvent.Dispensed.class,
                    (rx, dispensed) -> new Rx(rx.drug(), rx.prescribed(), rx.dispensed() + dispensed.quantity()))
            .build();

    private RxDecider() {}
}
