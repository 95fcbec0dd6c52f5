package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What a decision over several entities knows of each entity it reads ({@link ReadEntity}), and how it learns it:
 * from the cache, a snapshot and tail or all events (through the entity's registration), confirmed against the
 * entities' versions, caught up by their tails only.
 */
final class ReadEntities {
    private final PipelineDependencies dependencies;
    private final EventStore store;
    private final StateCache cache;
    private final RuntimeMetrics metrics;
    private final DecisionSteps steps;
    private final AsyncCommands async;
    private final Map<Category, StateLoader<Object, Object>> loaders = new ConcurrentHashMap<>();

    ReadEntities(PipelineDependencies dependencies, DecisionSteps steps) {
        this.dependencies = dependencies;
        this.store = dependencies.store();
        this.cache = dependencies.cache();
        this.metrics = dependencies.metrics();
        this.steps = steps;
        this.async = dependencies.async();
    }

    /**
     * Takes the part's state from the cache (unconfirmed: it may be stale), without I/O; returns false, the part left
     * unknown, when the cache has none or the part is not folded by its own decider.
     */
    boolean loadCached(ReadEntity part) {
        if (!part.ownState) {
            return false;
        }
        Optional<KnownState<Object>> cached = cache.get(part.ref);
        if (cached.isEmpty()) {
            return false;
        }
        part.known = steps.cacheHit(part.ref.category(), cached.get());
        part.confirmed = false;
        return true;
    }

    /**
     * Loads the part (blocking): a snapshot and tail or all events through its registration; a part folded by the
     * decision's own decider gets the list of all its events.
     */
    void load(ReadEntity part) {
        if (!part.ownState) {
            part.known = KnownState.initial(new ArrayList<>(), store.streamIdentity());
            foldEvents(part, ReadRange.all(), RuntimeMetrics.LoadSource.EVENTS);
            part.confirmed = true;
            return;
        }
        part.known = loader(part).load(part.ref);
        cache.remember(part.ref, part.known);
        part.confirmed = true;
    }

    /** Reads the events after the part's version: into its own state (and cache), or onto its event list. */
    void catchUp(ReadEntity part) {
        if (part.ownState) {
            part.known = loader(part).catchUp(part.ref, part.known, event -> {});
            cache.remember(part.ref, part.known);
        } else {
            foldEvents(part, ReadRange.after(part.known.version()), RuntimeMetrics.LoadSource.CATCH_UP);
        }
        part.confirmed = true;
    }

    @SuppressWarnings("unchecked")
    private void foldEvents(ReadEntity part, ReadRange range, RuntimeMetrics.LoadSource source) {
        long start = System.nanoTime();
        List<Object> events = new ArrayList<>((List<Object>) part.known.state());
        RecentCommands[] recent = {part.known.recentCommands()};
        ReadResult read = store.read(part.ref, range, recorded -> {
            events.addAll(EventDecoding.decodeAll(store.name(), recorded, part.codec()));
            recent[0] = recent[0].including(recorded.commandId(), recorded.sequence());
        });
        metrics.loaded(part.ref.category(), source, read.eventsRead(), Duration.ofNanos(System.nanoTime() - start));
        part.known = new KnownState<>(events, read.lastSequence(), 0, recent[0], part.known.streamIdentity());
    }

    /**
     * Checks the versions of the parts not yet confirmed against the store (in parallel) and catches up those that
     * moved (blocking: for the rare paths that run on the blocking executor anyway). Returns whether any did.
     */
    boolean confirm(List<ReadEntity> parts) {
        List<ReadEntity> unconfirmed = unconfirmed(parts);
        if (unconfirmed.isEmpty()) {
            return false;
        }
        List<CompletableFuture<Long>> versions = versions(unconfirmed);
        List<Long> now = new ArrayList<>(versions.size());
        for (CompletableFuture<Long> version : versions) {
            now.add(AsyncCommands.join(version));
        }
        return catchUpWhereMoved(unconfirmed, now);
    }

    /**
     * {@link #confirm} without waiting: the versions are asked asynchronously, only the tails of the parts that moved
     * are read (on {@code blocking}). Completes with whether any moved.
     */
    CompletableFuture<Boolean> confirmAsync(List<ReadEntity> parts, Executor blocking) {
        List<ReadEntity> unconfirmed = unconfirmed(parts);
        if (unconfirmed.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return catchUpMovedAsync(unconfirmed, blocking);
    }

    /** After a conflict: asks every part's version (in parallel), reads only the tails of those that moved. */
    CompletableFuture<Boolean> catchUpMovedAsync(List<ReadEntity> parts, Executor blocking) {
        List<CompletableFuture<Long>> versions = versions(parts);
        return CompletableFuture.allOf(versions.toArray(CompletableFuture[]::new))
                .thenCompose(all -> {
                    List<Long> now = new ArrayList<>(versions.size());
                    boolean moved = false;
                    for (int i = 0; i < parts.size(); i++) {
                        now.add(versions.get(i).join());
                        moved |= now.get(i) != parts.get(i).known.version();
                    }
                    if (!moved) {
                        // nothing to read: no hop to the blocking executor
                        return CompletableFuture.completedFuture(catchUpWhereMoved(parts, now));
                    }
                    return async.onExecutor(
                            blocking, () -> CompletableFuture.completedFuture(catchUpWhereMoved(parts, now)));
                });
    }

    private static List<ReadEntity> unconfirmed(List<ReadEntity> parts) {
        List<ReadEntity> unconfirmed = new ArrayList<>();
        for (ReadEntity part : parts) {
            if (!part.confirmed) {
                unconfirmed.add(part);
            }
        }
        return unconfirmed;
    }

    private List<CompletableFuture<Long>> versions(List<ReadEntity> parts) {
        List<CompletableFuture<Long>> versions = new ArrayList<>(parts.size());
        for (ReadEntity part : parts) {
            versions.add(store.versionAsync(part.ref));
        }
        return versions;
    }

    /** Reads the tails of the parts whose version is not {@code now}'s; the others are confirmed. */
    private boolean catchUpWhereMoved(List<ReadEntity> parts, List<Long> now) {
        boolean moved = false;
        for (int i = 0; i < parts.size(); i++) {
            ReadEntity part = parts.get(i);
            if (now.get(i) != part.known.version()) {
                catchUp(part);
                moved = true;
            } else {
                part.confirmed = true;
            }
        }
        return moved;
    }

    @SuppressWarnings("unchecked")
    private StateLoader<Object, Object> loader(ReadEntity part) {
        return loaders.computeIfAbsent(part.ref.category(), category -> dependencies.loader(part.entityRegistration));
    }

    /**
     * After an accepted append with every part at its version: folds each part's own events onto it (exact: nothing
     * came in between), remembers the commands, caches the own states and asks the snapshot policy.
     */
    @SuppressWarnings("unchecked")
    void appended(List<ReadEntity> parts, List<? extends AppendedEvent<?>> stored, String commandId) {
        for (ReadEntity part : parts) {
            // the append succeeded with every part at its version: folding our own events is exact
            Object state = part.known.state();
            List<Object> appended = part.ownState ? null : new ArrayList<>((List<Object>) state);
            RecentCommands recent = part.known.recentCommands();
            long version = part.known.version();
            int count = 0;
            for (AppendedEvent<?> event : stored) {
                if (!event.entity().equals(part.ref)) {
                    continue;
                }
                if (part.ownState) {
                    state = part.entityDecider().evolve(state, event.event());
                } else {
                    appended.add(event.event());
                }
                recent = recent.including(commandId, event.sequence());
                version = event.sequence();
                count++;
            }
            if (count == 0) {
                continue;
            }
            KnownState<Object> next = new KnownState<>(
                    part.ownState ? state : appended,
                    version,
                    part.known.eventsSinceSnapshot() + count,
                    recent,
                    part.known.streamIdentity());
            if (part.ownState) {
                next = steps.maybeSnapshot(part.entityRegistration, part.ref, next);
                cache.remember(part.ref, next);
            }
            part.known = next;
        }
    }

    /** Reads the part's events of a command in the range back: decoded, with their sequences, added to {@code into}. */
    @SuppressWarnings("unchecked")
    <E> void commandEvents(ReadEntity part, ReadRange range, CommandContext context, List<AppendedEvent<E>> into) {
        store.read(part.ref, range, recorded -> {
            if (recorded.commandId().equals(context.commandId())) {
                for (Object event : EventDecoding.decodeAll(store.name(), recorded, part.codec())) {
                    into.add(new AppendedEvent<>(part.ref, recorded.sequence(), (E) event));
                }
            }
        });
    }
}
