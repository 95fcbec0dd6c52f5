package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.store.Category;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.SnapshotValidation;
import dev.verdict.store.StateCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives an entity's state from the store: a valid snapshot plus the tail after it, all events, or a known state
 * plus the events it missed. Events are decoded with the registration's codec; a decoding failure stops the load
 * with {@link EventDecodingFailed} – a state folded from an incomplete history would be silently wrong.
 */
final class StateLoader<S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(StateLoader.class);

    private final Category category;
    private final Decider<?, S, E> decider;
    private final EventCodec<E> codec;
    private final EventStore store;
    private final Optional<SnapshotStore> snapshots;
    private final Optional<StateCodec<S>> stateCodec;
    private final RuntimeMetrics metrics;

    StateLoader(
            Registration<?, S, E> registration,
            EventStore store,
            Optional<SnapshotStore> snapshots,
            RuntimeMetrics metrics) {
        this.category = registration.category();
        this.decider = registration.decider();
        this.codec = registration.eventCodec();
        this.store = store;
        this.snapshots = registration.stateCodec().isPresent() ? snapshots : Optional.empty();
        this.stateCodec = registration.stateCodec();
        this.metrics = metrics;
    }

    /** The entity's latest state: from a valid snapshot and its tail, else from all events. */
    KnownState<S> load(EntityRef entity) {
        long start = System.nanoTime();
        // the identity before the read: a recreation noticed during the load makes this state stale, not the next
        String identity = store.streamIdentity();
        Optional<KnownState<S>> fromSnapshot = loadFromSnapshot(entity, start, identity);
        if (fromSnapshot.isPresent()) {
            return fromSnapshot.get();
        }
        Fold fold = fold(entity, ReadRange.all(), KnownState.initial(decider.initialState(), identity), event -> {});
        metrics.loaded(category, RuntimeMetrics.LoadSource.EVENTS, fold.eventsRead, elapsed(start));
        return fold.known(fold.eventsRead);
    }

    /**
     * The known state caught up with the events it missed: reads only the tail after {@code known.version()}.
     *
     * @param observer sees every event read, with its sequence
     */
    KnownState<S> catchUp(EntityRef entity, KnownState<S> known, Consumer<AppendedEvent<E>> observer) {
        long start = System.nanoTime();
        Fold fold = fold(entity, ReadRange.after(known.version()), known, observer);
        metrics.loaded(category, RuntimeMetrics.LoadSource.CATCH_UP, fold.eventsRead, elapsed(start));
        return fold.known(known.eventsSinceSnapshot() + fold.eventsRead);
    }

    /**
     * After a conflict that reported the entity's version: folds the events the store read while refusing the append
     * ({@link ConcurrencyConflict#missedEvents()}, when they are the tail after {@code known}: no read at all), else
     * reads only up to the version (the server's word, so the read needs no second request for the entity's end).
     * Without a reported version, or one not ahead, like {@link #catchUp}.
     */
    KnownState<S> catchUpAfter(EntityRef entity, KnownState<S> known, ConcurrencyConflict conflict) {
        OptionalLong actual = conflict.actualVersion();
        if (actual.isEmpty() || actual.getAsLong() <= known.version()) {
            return catchUp(entity, known, event -> {});
        }
        long start = System.nanoTime();
        List<RecordedEvent> missed = conflict.missedEvents();
        Fold fold = !missed.isEmpty() && conflict.expectedVersion() == known.version()
                ? fold(entity, missed, known)
                : fold(entity, ReadRange.after(known.version()).upToSequence(actual.getAsLong()), known, e -> {});
        metrics.loaded(category, RuntimeMetrics.LoadSource.CATCH_UP, fold.eventsRead, elapsed(start));
        return fold.known(known.eventsSinceSnapshot() + fold.eventsRead);
    }

    /** The state of the events inside the range, from the initial state; for "as of" queries. */
    EntityState<S> loadRange(EntityRef entity, ReadRange range) {
        long start = System.nanoTime();
        Fold fold =
                fold(entity, range, KnownState.initial(decider.initialState(), store.streamIdentity()), event -> {});
        metrics.loaded(category, RuntimeMetrics.LoadSource.EVENTS, fold.eventsRead, elapsed(start));
        return new EntityState<>(entity, fold.state, fold.version);
    }

    private Optional<KnownState<S>> loadFromSnapshot(EntityRef entity, long start, String identity) {
        if (snapshots.isEmpty()) {
            return Optional.empty();
        }
        StateCodec<S> stateCodec = this.stateCodec.orElseThrow();
        // The entity's version is needed to validate the snapshot and to bound its tail: ask for it now and read the
        // snapshot meanwhile, so both cost one round trip together.
        CompletableFuture<Long> version = store.versionAsync(entity);
        Optional<Snapshot> found;
        try {
            found = snapshots.get().load(entity);
        } catch (RuntimeException e) {
            // a snapshot is an optimisation: an unreachable snapshot store must not stop commands
            LOG.warn("snapshot of {} could not be read, loading from events instead", entity, e);
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.MISS);
            return Optional.empty();
        }
        if (found.isEmpty()) {
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.MISS);
            return Optional.empty();
        }
        Snapshot snapshot = found.get();
        if (!snapshot.fingerprint().equals(stateCodec.fingerprint())) {
            LOG.debug(
                    "snapshot of {} ignored: it has the state shape '{}', the codec expects '{}'",
                    entity,
                    snapshot.fingerprint(),
                    stateCodec.fingerprint());
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.STALE);
            return Optional.empty();
        }
        if (!snapshot.madeFromStream(identity)) {
            LOG.warn(
                    "snapshot of {} at version {} ignored: it was made from another incarnation of the stream"
                            + " (stream identity {}, now {}: deleted and recreated); loading from events",
                    entity,
                    snapshot.version(),
                    snapshot.streamIdentity(),
                    identity);
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.STALE);
            return Optional.empty();
        }
        S state;
        try {
            state = stateCodec.decode(snapshot.state());
        } catch (IllegalArgumentException e) {
            LOG.warn("snapshot of {} at version {} ignored: it cannot be decoded", entity, snapshot.version(), e);
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.STALE);
            return Optional.empty();
        }
        long head = join(version);
        if (SnapshotValidation.check(snapshot, stateCodec.fingerprint(), head) != SnapshotValidation.Outcome.USABLE) {
            LOG.warn(
                    "snapshot of {} ignored: its version {} is ahead of the entity's version {} "
                            + "(was the stream recreated or purged?)",
                    entity,
                    snapshot.version(),
                    head);
            metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.STALE);
            return Optional.empty();
        }
        metrics.snapshotLookup(category, RuntimeMetrics.SnapshotLookup.HIT);
        if (snapshot.version() == head || decider.isTerminal(state)) {
            // at the head, or absorbing: no event after it can matter for deciding
            metrics.loaded(category, RuntimeMetrics.LoadSource.SNAPSHOT, 0, elapsed(start));
            return Optional.of(new KnownState<>(state, snapshot.version(), 0, RecentCommands.NONE, identity));
        }
        KnownState<S> fromSnapshot = new KnownState<>(state, snapshot.version(), 0, RecentCommands.NONE, identity);
        Fold fold = fold(entity, ReadRange.after(snapshot.version()).upToSequence(head), fromSnapshot, event -> {});
        metrics.loaded(category, RuntimeMetrics.LoadSource.SNAPSHOT, fold.eventsRead, elapsed(start));
        return Optional.of(fold.known(fold.eventsRead));
    }

    /** The store's answer, or what the store's synchronous call would have thrown. */
    private static long join(CompletableFuture<Long> version) {
        try {
            return AsyncCommands.join(version);
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private Fold fold(EntityRef entity, ReadRange range, KnownState<S> from, Consumer<AppendedEvent<E>> observer) {
        Fold fold = new Fold(from.state(), from.recentCommands(), from.streamIdentity());
        ReadResult result =
                store.read(entity, range, recorded -> fold.add(recorded, decode(recorded), entity, observer));
        fold.version = result.lastSequence();
        return fold;
    }

    /** {@link #fold(EntityRef, ReadRange, KnownState, Consumer)} of events already read (in order, after from). */
    private Fold fold(EntityRef entity, List<RecordedEvent> events, KnownState<S> from) {
        Fold fold = new Fold(from.state(), from.recentCommands(), from.streamIdentity());
        fold.version = from.version();
        for (RecordedEvent recorded : events) {
            fold.add(recorded, decode(recorded), entity, e -> {});
        }
        return fold;
    }

    /** Decodes with the registration's codec; a refusal becomes {@link EventDecodingFailed}, never a skip. */
    List<E> decode(RecordedEvent recorded) {
        return EventDecoding.decodeAll(store.name(), recorded, codec);
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Mutable accumulator of one read. */
    private final class Fold {
        S state;
        long version;
        long eventsRead;
        RecentCommands recent;
        final String streamIdentity;

        Fold(S state, RecentCommands recent, String streamIdentity) {
            this.state = state;
            this.recent = recent;
            this.streamIdentity = streamIdentity;
        }

        /** Folds one stored message: it may stand for several events, or none, after upcasting – all at its sequence. */
        void add(RecordedEvent recorded, List<E> events, EntityRef entity, Consumer<AppendedEvent<E>> observer) {
            for (E event : events) {
                state = decider.evolve(state, event);
                observer.accept(new AppendedEvent<>(entity, recorded.sequence(), event));
            }
            eventsRead++;
            recent = recent.including(recorded.commandId(), recorded.sequence());
            version = recorded.sequence();
        }

        KnownState<S> known(long eventsSinceSnapshot) {
            return new KnownState<>(state, version, eventsSinceSnapshot, recent, streamIdentity);
        }
    }
}
