package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.StoreName;
import dev.verdict.testing.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ProjectionStoreContract} on the test kit's in-memory store: runners built over {@code store.feeds()}. */
class ProjectionStoreContractInMemoryTest extends ProjectionStoreContract {
    private static final CounterCodec CODEC = new CounterCodec();

    @Override
    StoreUnderTest newStore(String name) {
        InMemoryEventStore store = InMemoryEventStore.named(name);
        return new StoreUnderTest() {
            @Override
            public StoreName name() {
                return store.name();
            }

            @Override
            public List<Long> append(List<CounterEvent> events) {
                List<Long> sequences = new ArrayList<>();
                for (CounterEvent e : events) {
                    EntityRef counter = EntityRef.of("counter", e.counter());
                    sequences.addAll(store.append(
                                    counter, store.version(counter), List.of(CODEC.encode(e)), CommandContext.create())
                            .sequences());
                }
                return sequences;
            }

            @Override
            public EventFeeds feeds() {
                return store.feeds();
            }

            @Override
            public <E> ProjectionRunner.Builder<E> runner(
                    SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
                return ProjectionRunner.builder(store.feeds(), filter, codec, projection);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void theGuidesInMemorySampleCountsTheEvents() throws Exception {
        CounterCodec codec = new CounterCodec();
        InMemoryEventStore store = InMemoryEventStore.named("guide");
        EntityRef c1 = EntityRef.of("counter", "c-1");
        store.append(c1, 0, List.of(codec.encode(new CounterEvent.Added("c-1", 1))), CommandContext.create());
        store.append(c1, 1, List.of(codec.encode(new CounterEvent.Added("c-1", 2))), CommandContext.create());

        // docs/projections.md, "Running projections in memory"
        SubjectFilter counters = SubjectFilter.category(store.name(), Category.of("counter"));
        ViewProjection<Integer, CounterEvent> count = ViewProjection.of("count", View.of(0, (n, e) -> n + 1));
        ProjectionRunner<CounterEvent> runner = ProjectionRunner.builder(store.feeds(), counters, codec, count)
                .ephemeral()
                .build(); // a poison event would go to store.feeds().deadLetters(), in memory
        runner.start();
        runner.caughtUp().get(10, TimeUnit.SECONDS);

        runner.stop();
        assertThat(count.state()).isEqualTo(2);
    }
}
