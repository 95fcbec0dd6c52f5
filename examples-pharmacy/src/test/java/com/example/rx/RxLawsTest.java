package com.example.rx;

import dev.verdict.testing.DeciderLaws;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RxLawsTest {
    static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

    static final DeciderLaws<RxCommand, Rx, RxEvent> LAWS = DeciderLaws.of(
                    RxDecider.DECIDER,
                    Arbitraries.oneOf(
                            Arbitraries.integers().between(1, 50).map(q -> new RxCommand.Prescribe("aspirin", q, NOW)),
                            Arbitraries.integers().between(1, 20).map(q -> new RxCommand.Dispense(q, NOW))))
            .invariant("never dispenses more than prescribed", rx -> rx.dispensed() <= rx.prescribed())
            .idempotent(command -> command instanceof RxCommand.Prescribe);

    @Provide
    Arbitrary<List<RxCommand>> histories() {
        return LAWS.commandSequences();
    }

    @Property(tries = 200)
    void invariantsHold(@ForAll("histories") List<RxCommand> commands) {
        LAWS.checkInvariants(commands);
    }

    @Property(tries = 200)
    void prescribingTwiceChangesNothing(@ForAll("histories") List<RxCommand> commands) {
        LAWS.checkIdempotency(commands);
    }
}
