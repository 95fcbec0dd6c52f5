package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a handle needs to decide and append, built once by {@link CommandRuntime} and handed to each handle it
 * creates: the handles get their collaborators here and never reach back into the runtime.
 *
 * @param store where events are read and appended
 * @param snapshotStore where snapshots are read (for registrations with a state codec)
 * @param commandIndex remembers command outcomes beyond the runtime's memory, when configured
 * @param cache the entities' known states
 * @param locks serialize blocking commands per entity
 * @param retry attempts and backoff on conflicts
 * @param metrics where loads, conflicts and retries are counted
 * @param interceptors what runs around every command (and its metrics)
 * @param snapshots writes snapshots in the background
 * @param async the asynchronous commands in flight, their per-entity turns and their executor
 * @param registrations the registered categories (read by decisions over several entities); filled by the runtime
 */
record PipelineDependencies(
        EventStore store,
        Optional<SnapshotStore> snapshotStore,
        Optional<CommandIndex> commandIndex,
        StateCache cache,
        EntityLocks locks,
        ConflictRetryPolicy retry,
        RuntimeMetrics metrics,
        Interceptors interceptors,
        SnapshotWriter snapshots,
        AsyncCommands async,
        Map<Category, Registration<?, ?, ?>> registrations) {

    /** A loader of the registration's entities (snapshot and tail, or all events) over these dependencies. */
    <S, E> StateLoader<S, E> loader(Registration<?, S, E> registration) {
        return new StateLoader<>(registration, store, snapshotStore, metrics);
    }

    /** The registration of a category, if registered. */
    Optional<Registration<?, ?, ?>> registration(Category category) {
        return Optional.ofNullable(registrations.get(category));
    }
}
