package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.store.InMemoryEventStore;
import dev.verdict.testing.store.InMemorySnapshotStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Mirrors the first example of docs/runtime.md: keep both in step. */
class RuntimeDocExampleTest {

    @Test
    void theQuickStartOfTheRuntimeDocsWorks() {
        EventStore eventStore = InMemoryEventStore.create();
        SnapshotStore snapshotStore = new InMemorySnapshotStore();
        MeterRegistry meterRegistry = new SimpleMeterRegistry();
        String idempotencyKey = "request-1";
        int answer;

        // --- as in docs/runtime.md ---
        try (CommandRuntime runtime = CommandRuntime.builder(eventStore) // e.g. NatsEventStore
                .snapshots(snapshotStore) // optional
                .metrics(new MicrometerRuntimeMetrics(meterRegistry)) // optional
                .build()) {
            EntityHandle<Counter.Command, Counter, Counter.Event> counters =
                    runtime.register(Registration.of("counter", Counter.DECIDER, JsonEventCodec.of(Counter.Event.class))
                            .withStateCodec(JsonStateCodec.of(Counter.class)) // enables snapshots
                            .withSnapshotPolicy(SnapshotPolicy.everyEvents(100)));

            Outcome<Counter, Counter.Event> outcome =
                    counters.handle("c-1", new Counter.Add(2), CommandContext.withCommandId(idempotencyKey));
            int status = outcome.<Integer>map(accepted -> 201, unchanged -> 200, rejected -> 409);
            // ---
            answer = status;
        }

        assertThat(answer).isEqualTo(201);
    }
}
