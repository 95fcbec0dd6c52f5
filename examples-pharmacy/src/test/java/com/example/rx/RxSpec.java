package com.example.rx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.DeciderSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RxSpec {
    static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");
    final DeciderSpec<RxCommand, Rx, RxEvent> spec = DeciderSpec.of(RxDecider.DECIDER);

    @Test
    void prescribes() {
        spec.givenNothing()
                .when(new RxCommand.Prescribe("aspirin", 30, NOW))
                .then(new RxEvent.Prescribed("aspirin", 30, NOW));
    }

    @Test
    void prescribingAgainChangesNothing() {
        spec.given(new RxEvent.Prescribed("aspirin", 30, NOW))
                .when(new RxCommand.Prescribe("aspirin", 30, NOW))
                .thenNothingHappened();
    }

    @Test
    void dispensesPartOfThePrescription() {
        spec.given(new RxEvent.Prescribed("aspirin", 30, NOW))
                .when(new RxCommand.Dispense(10, NOW))
                .then(new RxEvent.Dispensed(10, NOW))
                .thenState(rx -> assertThat(rx.remaining()).isEqualTo(20));
    }

    @Test
    void rejectsDispensingMoreThanRemains() {
        spec.given(new RxEvent.Prescribed("aspirin", 30, NOW), new RxEvent.Dispensed(25, NOW))
                .when(new RxCommand.Dispense(6, NOW))
                .thenRejected(OverDispense.class);
    }

    @Test
    void rejectsDispensingWithoutAPrescription() {
        spec.givenNothing().when(new RxCommand.Dispense(1, NOW)).thenRejected("rx.not-prescribed");
    }
}
