package com.example.rx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RxOnNatsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void dispensesOnARealNatsServer() throws Exception {
        try (Connection nats = NATS.server().connect();
                CommandRuntime runtime = CommandRuntime.builder(
                                NatsEventStore.create(nats, NatsEventStoreConfig.of("shop")))
                        .build()) {
            EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                    runtime.register("rx", RxDecider.DECIDER, JsonEventCodec.of(RxEvent.class));

            prescriptions.handle("rx-1", new RxCommand.Prescribe("aspirin", 30, NOW));
            Outcome<Rx, RxEvent> dispensed = prescriptions.handle("rx-1", new RxCommand.Dispense(10, NOW));
            Outcome<Rx, RxEvent> tooMuch = prescriptions.handle("rx-1", new RxCommand.Dispense(21, NOW));

            assertThat(dispensed.isAccepted()).isTrue();
            assertThat(dispensed.state().remaining()).isEqualTo(20);
            assertThat(tooMuch).isInstanceOf(Outcome.Rejected.class);
            assertThat(prescriptions.load("rx-1").state()).isEqualTo(new Rx("aspirin", 30, 10));
        }
    }
}
