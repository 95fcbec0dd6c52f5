package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.spring.metrics.MeteredEventStore;
import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metered store does what the store it wraps does – every kind of append – and meters it. */
class MeteredEventStoreTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static EncodedEvent event(String type) {
        return new EncodedEvent(type, 1, "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void appendsAcrossEntitiesAndAsynchronouslyThroughTheWrappedStore() throws Exception {
        try (Connection nc = Nats.connect(NATS.server().url())) {
            NatsEventStore nats = NatsEventStore.create(
                    nc,
                    NatsEventStoreConfig.builder()
                            .storeName(StoreName.of("metered"))
                            .build());
            MeterRegistry registry = new SimpleMeterRegistry();
            MeteredEventStore store = new MeteredEventStore(nats, registry);
            EntityRef rx = EntityRef.of("prescription", "rx-1");
            EntityRef stock = EntityRef.of("inventory", "aspirin");

            AppendAcrossResult across = store.appendAcross(
                    List.of(new EntityVersion(rx, 0), new EntityVersion(stock, 0)),
                    List.of(new EntityEvent(rx, event("Dispensed")), new EntityEvent(stock, event("Deducted"))),
                    CommandContext.withCommandId("dispense-1"));
            assertThat(across.sequences()).hasSize(2);
            assertThat(nats.version(stock)).isEqualTo(across.sequences().get(1));

            assertThatThrownBy(() -> store.appendAcross(
                            List.of(new EntityVersion(rx, 0), new EntityVersion(stock, 0)),
                            List.of(new EntityEvent(rx, event("Dispensed")), new EntityEvent(stock, event("Deducted"))),
                            CommandContext.withCommandId("dispense-2")))
                    .isInstanceOf(ConflictAcrossEntities.class);

            AppendResult async = store.appendAsync(
                            rx, nats.version(rx), List.of(event("Refilled")), CommandContext.create(), Runnable::run)
                    .get(10, TimeUnit.SECONDS);
            assertThat(nats.version(rx)).isEqualTo(async.sequences().get(0));

            assertThat(registry.get("verdict.store.append")
                            .tag("result", "ok")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.get("verdict.store.append")
                            .tag("result", "conflict")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("verdict.store.append.events").summary().totalAmount())
                    .isEqualTo(3.0);
        }
    }
}
