package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.EntityStates;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision of one command over several entities, written once for {@code handle} and {@code handleAsync}, on the
 * same steps as the one-entity {@link DecisionPipeline}: load every entity read (cache, or snapshot and tail, or all
 * events; the command index asked in parallel) → decide → encode → one atomic append guarding every entity read → on a
 * conflict ask every entity's version, read only the tails that moved and decide again ({@link
 * DecisionSteps#afterConflict}: attempts and backoff on a timer) → record (cache, command index, snapshot policy).
 * Asynchronous at heart: the version checks, the index lookup and the append are the store's asynchronous calls, no
 * thread is parked on NATS; reads run on the executor the caller names – the runtime's pool for {@code handleAsync},
 * the calling thread for {@code handle} ({@link CallerThread}). The caller holds the entities' locks or turns.
 */
final class MultiDecisionPipeline<C, S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(MultiDecisionPipeline.class);

    private final Category name;
    private final MultiDecider<C, S, E> decider;
    private final Optional<EntityStates<S>> entityStates;
    private final EventStore store;
    private final StateCache cache;
    private final Optional<CommandIndex> commandIndex;
    private final AsyncCommands async;
    private final DecisionSteps steps;
    private final ReadEntities reads;
    private final MultiReplies<S, E> replies;
    private final MultiReads<C, S, E> choice;

    MultiDecisionPipeline(
            Category name,
            MultiDecider<C, S, E> decider,
            Optional<EntityStates<S>> entityStates,
            MultiReads<C, S, E> choice,
            PipelineDependencies dependencies) {
        this.choice = choice;
        this.name = name;
        this.decider = decider;
        this.entityStates = entityStates;
        this.store = dependencies.store();
        this.cache = dependencies.cache();
        this.commandIndex = dependencies.commandIndex();
        this.async = dependencies.async();
        this.steps = new DecisionSteps(dependencies);
        this.reads = new ReadEntities(dependencies, steps);
        this.replies = new MultiReplies<>(name, reads, steps, this::state);
    }

    /**
     * The command's outcome, or what it fails with. {@code newId}: the runtime drew the command id itself (no index
     * lookup). {@code blocking}: where reads run.
     */
    CompletableFuture<Outcome<S, E>> run(
            List<ReadEntity> parts, C command, CommandContext context, boolean newId, Executor blocking) {
        // any command id the entities' memories do not know may have been decided before (another process, a
        // restart, long ago): with a command index, ask it in parallel with the loads
        CompletableFuture<Optional<CommandRecord>> recorded =
                commandIndex.isPresent() && !newId && !knownToCache(parts, context)
                        ? commandIndex.get().find(context.commandId())
                        : null;
        boolean allCached = true;
        for (ReadEntity part : parts) {
            allCached &= reads.loadCached(part); // no I/O
        }
        if (allCached) {
            return withChosen(parts, command, blocking, () -> start(parts, command, context, blocking, recorded));
        }
        return async.onExecutor(blocking, () -> {
            for (ReadEntity part : parts) {
                if (part.known == null) {
                    reads.load(part);
                }
            }
            return withChosen(parts, command, blocking, () -> start(parts, command, context, blocking, recorded));
        });
    }

    /**
     * Makes the parts read after the named ones those the decider chooses from the named ones' current states
     * ({@link MultiDecider#readsAfter}), loading any new one (from the cache, else on {@code blocking}), then runs
     * {@code next}. Asked before every attempt: after a catch-up a named entity may choose another.
     */
    private CompletableFuture<Outcome<S, E>> withChosen(
            List<ReadEntity> parts, C command, Executor blocking, Supplier<CompletableFuture<Outcome<S, E>>> next) {
        List<ReadEntity> named = new ArrayList<>(parts.size());
        List<EntityKey> chosenNow = new ArrayList<>();
        for (ReadEntity part : parts) {
            if (part.chosen) {
                chosenNow.add(part.key);
            } else {
                named.add(part);
            }
        }
        List<EntityKey> wanted = choice.chosenKeys(command, state(named));
        if (wanted.equals(chosenNow)) {
            return next.get();
        }
        List<ReadEntity> added = choice.chosen(wanted, named, named.get(0).ownState);
        parts.removeIf(part -> part.chosen);
        parts.addAll(added);
        boolean allCached = true;
        for (ReadEntity part : added) {
            allCached &= reads.loadCached(part);
        }
        if (allCached) {
            return next.get();
        }
        return async.onExecutor(blocking, () -> {
            for (ReadEntity part : added) {
                if (part.known == null) {
                    reads.load(part);
                }
            }
            return next.get();
        });
    }

    private boolean knownToCache(List<ReadEntity> parts, CommandContext context) {
        for (ReadEntity part : parts) {
            Optional<KnownState<Object>> cached = part.ownState ? cache.get(part.ref) : Optional.empty();
            if (cached.isPresent() && cached.get().recent(context.commandId()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Outcome<S, E>> start(
            List<ReadEntity> parts,
            C command,
            CommandContext context,
            Executor blocking,
            CompletableFuture<Optional<CommandRecord>> recorded) {
        if (recorded == null) {
            return attempt(parts, command, context, blocking, 1, new ArrayList<>());
        }
        // the index's answer, or what it failed with (an unanswered lookup fails the command: nothing was decided)
        return recorded.thenCompose(earlier -> {
            if (earlier.isPresent()
                    && DecisionSteps.ofThisStream(
                            name, earlier.get(), parts.get(0).known.streamIdentity())) {
                return async.onExecutor(
                        blocking,
                        () -> CompletableFuture.completedFuture(replies.original(parts, earlier.get(), context)));
            }
            return attempt(parts, command, context, blocking, 1, new ArrayList<>());
        });
    }

    /** One attempt: decide on what the parts know, then append, confirm or retry. */
    private CompletableFuture<Outcome<S, E>> attempt(
            List<ReadEntity> parts,
            C command,
            CommandContext context,
            Executor blocking,
            int attempt,
            List<Long> overtaken) {
        for (ReadEntity part : parts) {
            if (part.known.recent(context.commandId()).isPresent()) {
                // this command id's events are already folded in: a re-send, whatever deciding again would say
                return async.onExecutor(blocking, () -> {
                    reads.confirm(parts);
                    return CompletableFuture.completedFuture(replies.resent(parts, context));
                });
            }
        }
        S state = state(parts);
        DecisionSteps.Decision<Routed<E>> decision = decide(command, state);
        if (decision.events().isEmpty()) {
            // a cached part may be stale (another process appended): an append would reveal it, a rejection or a
            // no-op would not, so those are confirmed against the entities' versions before they are reported
            return reads.confirmAsync(parts, blocking)
                    .thenCompose(moved -> moved
                            ? withChosen(
                                    parts,
                                    command,
                                    blocking,
                                    () -> attempt(parts, command, context, blocking, attempt, overtaken))
                            : CompletableFuture.completedFuture(noEvents(parts, state, decision.rejection(), context)));
        }
        List<EntityEvent> events = encode(parts, decision.events());
        List<EntityVersion> guards = new ArrayList<>(parts.size());
        for (ReadEntity part : parts) {
            guards.add(new EntityVersion(part.ref, part.known.version()));
        }
        return append(guards, events, context, blocking)
                .handle((result, error) -> {
                    if (error == null) {
                        if (result.duplicate()) {
                            return async.onExecutor(blocking, () -> {
                                for (ReadEntity part : parts) {
                                    reads.catchUp(part);
                                }
                                return CompletableFuture.completedFuture(replies.readBack(parts, context, result));
                            });
                        }
                        return CompletableFuture.completedFuture(accepted(parts, decision.events(), result, context));
                    }
                    Throwable failure = AsyncCommands.unwrap(error);
                    if (!(failure instanceof ConflictAcrossEntities conflict)) {
                        return CompletableFuture.<Outcome<S, E>>failedFuture(failure);
                    }
                    overtaken.add(parts.get(0).known.version());
                    LOG.debug("{}: attempt {} over {} overtaken, catching up", name, attempt, guards);
                    return steps.afterConflict(
                            name,
                            attempt,
                            blocking,
                            () -> new ConflictRetriesExhausted(refs(parts), attempt, overtaken, conflict),
                            () -> reads.catchUpMovedAsync(parts, blocking)
                                    .thenCompose(moved -> withChosen(
                                            parts,
                                            command,
                                            blocking,
                                            () -> attempt(parts, command, context, blocking, attempt + 1, overtaken))));
                })
                .thenCompose(next -> next);
    }

    /**
     * The atomic append: on the thread of a blocking {@code handle} the store's blocking call (that thread waits
     * anyway), anywhere else the store's asynchronous one, which parks no thread.
     */
    private CompletableFuture<AppendAcrossResult> append(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        if (blocking instanceof CallerThread caller && caller.isCurrent()) {
            try {
                return CompletableFuture.completedFuture(store.appendAcross(guards, events, context));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return store.appendAcrossAsync(guards, events, context, blocking);
    }

    private DecisionSteps.Decision<Routed<E>> decide(C command, S state) {
        try {
            return new DecisionSteps.Decision<>(
                    Objects.requireNonNull(
                            decider.decide(command, state),
                            () -> "the multi-entity decider '" + name + "' returned null instead of a list of events"),
                    null);
        } catch (DomainRejection r) {
            return new DecisionSteps.Decision<>(List.of(), r);
        }
    }

    /** A decision without events on confirmed states: recorded, and reported as rejected or unchanged. */
    private Outcome<S, E> noEvents(List<ReadEntity> parts, S state, DomainRejection rejection, CommandContext context) {
        ReadEntity first = parts.get(0);
        if (rejection != null) {
            steps.record(new CommandRecord.Rejected(
                    context.commandId(),
                    first.ref,
                    first.known.streamIdentity(),
                    first.known.version(),
                    rejection.code(),
                    rejection.getMessage()));
            return new Outcome.Rejected<>(rejection, versions(parts), state);
        }
        steps.record(new CommandRecord.Unchanged(
                context.commandId(), first.ref, first.known.streamIdentity(), first.known.version()));
        return new Outcome.Unchanged<>(versions(parts), state);
    }

    private List<EntityEvent> encode(List<ReadEntity> parts, List<Routed<E>> routed) {
        Map<EntityKey, ReadEntity> byKey = new LinkedHashMap<>();
        for (ReadEntity part : parts) {
            byKey.put(part.key, part);
        }
        List<EntityEvent> events = new ArrayList<>(routed.size());
        for (Routed<E> r : routed) {
            ReadEntity part =
                    byKey.get(Objects.requireNonNull(r, "routed event").entity());
            if (part == null) {
                throw new IllegalStateException("the multi-entity decider '" + name + "' routed " + r.event() + " to "
                        + r.entity() + ", which the command does not read (" + byKey.keySet()
                        + "): read every entity you write");
            }
            events.add(new EntityEvent(part.ref, part.codec().encode(r.event())));
        }
        return events;
    }

    @SuppressWarnings("unchecked")
    private S state(List<ReadEntity> parts) {
        List<Object> states = new ArrayList<>(parts.size());
        if (parts.get(0).ownState) {
            for (ReadEntity part : parts) {
                states.add(part.known.state());
            }
            return entityStates.orElseThrow().compose(states);
        }
        S state = decider.initialState();
        for (ReadEntity part : parts) {
            for (Object event : (List<Object>) part.known.state()) {
                state = decider.evolve(state, part.key, (E) event);
            }
        }
        return state;
    }

    private Outcome<S, E> accepted(
            List<ReadEntity> parts, List<Routed<E>> routed, AppendAcrossResult result, CommandContext context) {
        List<AppendedEvent<E>> stored = new ArrayList<>(routed.size());
        for (int i = 0; i < routed.size(); i++) {
            stored.add(new AppendedEvent<>(
                    result.events().get(i).entity(),
                    result.sequences().get(i),
                    routed.get(i).event()));
        }
        reads.appended(parts, stored, context.commandId());
        replies.recordAppended(parts, stored, context);
        return new Outcome.Accepted<>(stored, versions(parts), state(parts), false);
    }

    static Map<EntityRef, Long> versions(List<ReadEntity> parts) {
        Map<EntityRef, Long> versions = new LinkedHashMap<>();
        for (ReadEntity part : parts) {
            versions.put(part.ref, part.known.version());
        }
        return versions;
    }

    static List<EntityRef> refs(List<ReadEntity> parts) {
        List<EntityRef> refs = new ArrayList<>(parts.size());
        for (ReadEntity part : parts) {
            refs.add(part.ref);
        }
        return refs;
    }
}
