package com.example.rx;

import dev.verdict.decider.Decider;
import java.util.List;

public final class RxDecider implements Decider<RxCommand, Rx, RxEvent> {

    @Override
    public Rx initialState() {
        return Rx.NONE;
    }

    @Override
    public List<RxEvent> decide(RxCommand command, Rx rx) {
        if (command instanceof RxCommand.Prescribe p) {
            return rx.equals(Rx.NONE) ? List.of(new RxEvent.Prescribed(p.drug(), p.quantity(), p.at())) : List.of();
        }
        if (command instanceof RxCommand.Dispense d) {
            if (rx.equals(Rx.NONE)) {
                throw new NotPrescribed();
            }
            if (d.quantity() > rx.remaining()) {
                throw new OverDispense(d.quantity(), rx.remaining());
            }
            return List.of(new RxEvent.Dispensed(d.quantity(), d.at()));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    @Override
    public Rx evolve(Rx rx, RxEvent event) {
        if (event instanceof RxEvent.Prescribed p) {
            return new Rx(p.drug(), p.quantity(), 0);
        }
        if (event instanceof RxEvent.Dispensed d) {
            return new Rx(rx.drug(), rx.prescribed(), rx.dispensed() + d.quantity());
        }
        throw new IllegalArgumentException("unknown event " + event);
    }
}
