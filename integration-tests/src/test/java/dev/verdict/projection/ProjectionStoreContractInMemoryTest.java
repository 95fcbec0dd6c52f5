package dev.verdict.projection;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import dev.verdict.testing.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;

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
            public <E> ProjectionRunner.Builder<E> runner(
                    SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
                return ProjectionRunner.builder(store.feeds(), filter, codec, projection);
            }

            @Override
            public void close() {}
        };
    }
}
