package dev.verdict.evolution;

import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.EventStore;
import dev.verdict.testing.store.InMemoryEventStore;

/** {@link UpcastingReadPathsContract} on the test kit's in-memory store. */
class UpcastingReadPathsInMemoryTest extends UpcastingReadPathsContract {
    private final InMemoryEventStore store = InMemoryEventStore.named("upcasting");

    @Override
    EventStore store() {
        return store;
    }

    @Override
    <E> ProjectionRunner.Builder<E> runner(SubjectFilter filter, Projection<E> projection, Class<E> type) {
        @SuppressWarnings("unchecked")
        ProjectionRunner.Builder<E> builder = ProjectionRunner.builder(
                store.feeds(),
                filter,
                (dev.verdict.store.EventCodec<E>) Shelf.EVENTS,
                projection); // dead letters in memory
        return builder;
    }
}
