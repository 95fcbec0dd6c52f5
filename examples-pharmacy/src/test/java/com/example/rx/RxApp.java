package com.example.rx;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.store.CommandContext;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Instant;

public final class RxApp {
    public static void main(String[] args) throws Exception {
        Options options = Options.builder()
                .server("nats://127.0.0.1:4222")
                .maxReconnects(-1)
                .build();
        try (Connection nats = Nats.connect(options)) {
            NatsEventStoreConfig config = NatsEventStoreConfig.of("shop");
            try (CommandRuntime runtime = CommandRuntime.builder(NatsEventStore.create(nats, config))
                    .snapshots(NatsSnapshotStore.create(nats, config))
                    .build()) {
                EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                        runtime.register(Registration.of("rx", RxDecider.DECIDER, JsonEventCodec.of(RxEvent.class))
                                .withStateCodec(JsonStateCodec.of(Rx.class)));

                prescriptions.handle("rx-1", new RxCommand.Prescribe("aspirin", 30, Instant.now()));
                Outcome<Rx, RxEvent> outcome = prescriptions.handle(
                        "rx-1", new RxCommand.Dispense(10, Instant.now()), CommandContext.withCommandId("req-7"));
                String answer = outcome.map(
                        accepted -> "dispensed; " + accepted.state().remaining() + " remain",
                        unchanged -> "nothing to do",
                        rejected -> "refused: " + rejected.rejection().code());
                System.out.println(answer);
            }
        }
    }
}
