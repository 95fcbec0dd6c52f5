package dev.verdict.store;

import dev.verdict.testing.store.InMemoryEventStore;
import java.util.List;

/** {@link EventStoreContract} on the test kit's {@link InMemoryEventStore}. */
class EventStoreContractInMemoryTest extends EventStoreContract {
    private final InMemoryEventStore store = InMemoryEventStore.create();

    @Override
    protected EventStore store() {
        return store;
    }

    @Override
    protected List<ReplaySource> replaySources() {
        return List.of(new ReplaySource(store.name(), store.feeds()));
    }

    /** The in-memory store reports the actual version only. */
    @Override
    protected boolean conflictsCarryMissedEvents() {
        return false;
    }

    @Override
    protected int tooLargePayloadBytes() {
        return InMemoryEventStore.DEFAULT_MAX_EVENT_BYTES + 1;
    }
}
