package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.testing.store.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerRuntimeMetricsTest {

    @Test
    void recordsCommandsByOutcomeConflictsRetriesAndLoads() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InMemoryEventStore store = InMemoryEventStore.create();
        EntityRef c1 = EntityRef.of("counter", "c-1");
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .metrics(new MicrometerRuntimeMetrics(registry))
                .retryPolicy(ConflictRetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters =
                    runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
            counters.handle("c-1", new Add(1));
            counters.handle("c-1", new Add(0));
            counters.handle("c-1", new Add(5, 3));
            store.beforeNextAppend(
                    c1,
                    () -> store.append(c1, 1, List.of(Counter.EVENTS.encode(new Added(1))), CommandContext.create()));
            counters.handle("c-1", new Add(1));
        }

        assertThat(registry.get("verdict.commands")
                        .tags("category", "counter", "outcome", "accepted")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("verdict.commands")
                        .tags("outcome", "unchanged")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("verdict.commands")
                        .tags("outcome", "rejected")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("verdict.conflicts").counter().count()).isEqualTo(1);
        assertThat(registry.get("verdict.retries").counter().count()).isEqualTo(1);
        assertThat(registry.get("verdict.load.events")
                        .tags("source", "catch_up")
                        .summary()
                        .totalAmount())
                .isEqualTo(1);
        assertThat(registry.get("verdict.load").tags("source", "cache").timer().count())
                .isEqualTo(3);
    }
}
