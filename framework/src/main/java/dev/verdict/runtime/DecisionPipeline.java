package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.store.AppendResult;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision of one command on one entity, written once for {@code handle} and {@code handleAsync}: load (cache, or
 * snapshot and tail, or all events; with the command index asked in parallel) → decide → encode → append with the
 * version decided on → on a conflict catch up the tail only and decide again ({@link DecisionSteps#afterConflict}: the
 * {@link ConflictRetryPolicy}'s attempts, the backoff on a timer) → record (cache, command index, snapshot policy). Asynchronous at heart: composed on
 * the store's asynchronous append and version calls, no thread parked on NATS; what can only block (reads) runs on the
 * executor the caller names – the runtime's pool for {@code handleAsync}, the calling thread itself for {@code handle}
 * ({@link CallerThread}), which is then a join on the same composition. The caller holds the entity's lock or turn.
 */
final class DecisionPipeline<C, S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPipeline.class);

    private final Registration<C, S, E> registration;
    private final Category category;
    private final Decider<C, S, E> decider;
    private final EventCodec<E> codec;
    private final EventStore store;
    private final StateLoader<S, E> loader;
    private final StateCache cache;
    private final Optional<CommandIndex> commandIndex;
    private final AsyncCommands async;
    private final DecisionSteps steps;

    DecisionPipeline(Registration<C, S, E> registration, PipelineDependencies dependencies, StateLoader<S, E> loader) {
        this.registration = registration;
        this.category = registration.category();
        this.decider = registration.decider();
        this.codec = registration.eventCodec();
        this.store = dependencies.store();
        this.loader = loader;
        this.cache = dependencies.cache();
        this.commandIndex = dependencies.commandIndex();
        this.async = dependencies.async();
        this.steps = new DecisionSteps(dependencies);
    }

    /**
     * The command's outcome, or what it fails with. {@code newId}: the runtime drew the command id itself, so it cannot
     * have been seen (no index lookup, no scan of the entity's recent commands). {@code blocking}: where reads run.
     */
    CompletableFuture<Outcome<S, E>> run(
            EntityRef entity, C command, CommandContext context, boolean newId, Executor blocking) {
        StateCache.Slot slot = cache.slot(entity);
        Optional<KnownState<S>> cached = cache.known(entity, slot);
        if (cached.isEmpty()) {
            // a cold load (snapshot and tail, or all events) reads with blocking calls
            return async.onExecutor(blocking, () -> cold(entity, command, context, newId, blocking));
        }
        KnownState<S> known = steps.cacheHit(category, cached.get());
        // the in-memory memory knows the last commands of a cached entity; any other id may have been seen before
        // (another process, a restart, a snapshot, long ago): ask the index
        if (commandIndex.isPresent()
                && !newId
                && known.recent(context.commandId()).isEmpty()) {
            return commandIndex.get().find(context.commandId()).thenCompose(earlier -> {
                if (earlier.isPresent() && DecisionSteps.ofThisStream(entity, earlier.get(), known.streamIdentity())) {
                    return async.onExecutor(
                            blocking,
                            () -> CompletableFuture.completedFuture(original(entity, known, earlier.get(), context)));
                }
                return attempt(entity, command, context, newId, blocking, slot, known, false, 1, new ArrayList<>());
            });
        }
        // a cached state may be stale (another process appended): an append would reveal it, a rejection or a no-op
        // would not, so those are confirmed against the entity's version before they are reported
        return attempt(entity, command, context, newId, blocking, slot, known, false, 1, new ArrayList<>());
    }

    /** A command on an entity not in the cache: load it, with the index asked in parallel (on {@code blocking}). */
    private CompletableFuture<Outcome<S, E>> cold(
            EntityRef entity, C command, CommandContext context, boolean newId, Executor blocking) {
        CompletableFuture<Optional<CommandRecord>> recorded =
                commandIndex.isPresent() && !newId ? commandIndex.get().find(context.commandId()) : null;
        KnownState<S> known = loader.load(entity);
        cache.remember(entity, known);
        if (recorded != null) {
            // the index's answer, or what it failed with (an unanswered lookup fails the command: nothing was decided)
            Optional<CommandRecord> earlier = AsyncCommands.join(recorded);
            if (earlier.isPresent() && DecisionSteps.ofThisStream(entity, earlier.get(), known.streamIdentity())) {
                return CompletableFuture.completedFuture(original(entity, known, earlier.get(), context));
            }
        }
        // a cold load remembers in a new slot
        return attempt(entity, command, context, newId, blocking, null, known, true, 1, new ArrayList<>());
    }

    /**
     * One attempt: decide on a known state (which {@code confirmed} says was checked against the entity's version or
     * read from the store), then append, confirm or retry. {@code slot}: the entity's cache slot when the command
     * started from a cached state (else null), so an accepted state is remembered without a second cache lookup.
     */
    private CompletableFuture<Outcome<S, E>> attempt(
            EntityRef entity,
            C command,
            CommandContext context,
            boolean newId,
            Executor blocking,
            StateCache.Slot slot,
            KnownState<S> known,
            boolean confirmed,
            int attempt,
            List<Long> overtaken) {
        // an id the runtime drew itself cannot be among the folded commands: skip the lookup (its hash, a scan)
        Optional<KnownState.CommandSpan> folded = newId ? Optional.empty() : known.recent(context.commandId());
        if (folded.isPresent()) {
            // this command id's events are already folded in: a re-send, whatever deciding again would say
            return async.onExecutor(
                    blocking,
                    () -> CompletableFuture.completedFuture(
                            resent(entity, confirmed ? known : confirm(entity, known), folded.get(), context)));
        }
        DecisionSteps.Decision<E> decision = decide(command, known.state());
        if (decision.events().isEmpty()) {
            DomainRejection rejected = decision.rejection();
            if (confirmed) {
                return CompletableFuture.completedFuture(noEvents(entity, known, context, rejected));
            }
            // decided on a cached state: confirm the version before reporting (no append would reveal a stale cache)
            return store.versionAsync(entity).thenCompose(version -> {
                if (version == known.version()) {
                    return CompletableFuture.completedFuture(noEvents(entity, known, context, rejected));
                }
                LOG.debug("{}: cached version {} is stale, catching up", entity, known.version());
                return async.onExecutor(blocking, () -> {
                    KnownState<S> caughtUp = loader.catchUp(entity, known, event -> {});
                    cache.remember(entity, caughtUp);
                    return attempt(entity, command, context, newId, blocking, slot, caughtUp, true, attempt, overtaken);
                });
            });
        }
        return append(entity, known.version(), encode(decision.events()), context, blocking)
                .handle((result, error) -> {
                    if (error == null) {
                        if (result.duplicate()) {
                            return async.onExecutor(
                                    blocking,
                                    () -> CompletableFuture.completedFuture(duplicate(entity, known, result, context)));
                        }
                        return CompletableFuture.completedFuture(
                                accepted(entity, slot, known, decision.events(), result, context));
                    }
                    Throwable failure = AsyncCommands.unwrap(error);
                    if (!(failure instanceof ConcurrencyConflict conflict)) {
                        return CompletableFuture.<Outcome<S, E>>failedFuture(failure);
                    }
                    overtaken.add(known.version());
                    LOG.debug("{}: attempt {} overtaken at version {}, catching up", entity, attempt, known.version());
                    return steps.afterConflict(
                            category,
                            attempt,
                            blocking,
                            () -> new ConflictRetriesExhausted(entity, attempt, overtaken, conflict),
                            () -> {
                                KnownState<S> caughtUp = loader.catchUpAfter(entity, known, conflict);
                                cache.remember(entity, caughtUp);
                                return attempt(
                                        entity,
                                        command,
                                        context,
                                        newId,
                                        blocking,
                                        slot,
                                        caughtUp,
                                        true,
                                        attempt + 1,
                                        overtaken);
                            });
                })
                .thenCompose(next -> next);
    }

    /**
     * The append: on the thread of a blocking {@code handle} the store's blocking call (that thread waits anyway, so the
     * outcome is then handled right there, as a hand-written loop would, without a hop or an asynchronous stage more);
     * anywhere else the store's asynchronous one, which parks no thread.
     */
    private CompletableFuture<AppendResult> append(
            EntityRef entity, long version, List<EncodedEvent> events, CommandContext context, Executor blocking) {
        if (blocking instanceof CallerThread caller && caller.isCurrent()) {
            try {
                return CompletableFuture.completedFuture(store.append(entity, version, events, context));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return store.appendAsync(entity, version, events, context, blocking);
    }

    /** A cached state checked against the entity's version (blocking): caught up when it moved. */
    private KnownState<S> confirm(EntityRef entity, KnownState<S> known) {
        if (store.version(entity) == known.version()) {
            return known;
        }
        KnownState<S> caughtUp = loader.catchUp(entity, known, event -> {});
        cache.remember(entity, caughtUp);
        return caughtUp;
    }

    private DecisionSteps.Decision<E> decide(C command, S state) {
        try {
            return new DecisionSteps.Decision<>(
                    Objects.requireNonNull(
                            decider.decide(command, state),
                            () -> "the decider of '" + category + "' returned null instead of a list of events"),
                    null);
        } catch (DomainRejection r) {
            return new DecisionSteps.Decision<>(List.of(), r);
        }
    }

    private List<EncodedEvent> encode(List<E> events) {
        List<EncodedEvent> encoded = new ArrayList<>(events.size());
        for (E event : events) {
            encoded.add(codec.encode(event));
        }
        return encoded;
    }

    /** A decision without events on a confirmed state: recorded, and reported as rejected or unchanged. */
    private Outcome<S, E> noEvents(
            EntityRef entity, KnownState<S> known, CommandContext context, DomainRejection rejection) {
        if (rejection != null) {
            steps.record(new CommandRecord.Rejected(
                    context.commandId(),
                    entity,
                    known.streamIdentity(),
                    known.version(),
                    rejection.code(),
                    rejection.getMessage()));
            return new Outcome.Rejected<>(entity, rejection, known.version(), known.state());
        }
        steps.record(new CommandRecord.Unchanged(context.commandId(), entity, known.streamIdentity(), known.version()));
        return new Outcome.Unchanged<>(entity, known.version(), known.state());
    }

    private Outcome<S, E> accepted(
            EntityRef entity,
            StateCache.Slot slot,
            KnownState<S> known,
            List<E> events,
            AppendResult result,
            CommandContext context) {
        if (result.sequences().size() != events.size()) {
            throw new IllegalStateException("the store reported "
                    + result.sequences().size() + " sequences for " + events.size() + " events appended to " + entity);
        }
        // the append succeeded at known.version(): nothing came in between, so folding our own events is exact
        S state = known.state();
        List<AppendedEvent<E>> appended;
        if (events.size() == 1) {
            // the usual case, built immutable: the outcome keeps it without a copy (on the connection's thread when
            // the append was asynchronous)
            state = decider.evolve(state, events.get(0));
            appended = List.of(new AppendedEvent<>(entity, result.sequences().get(0), events.get(0)));
        } else {
            appended = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                state = decider.evolve(state, events.get(i));
                appended.add(new AppendedEvent<>(entity, result.sequences().get(i), events.get(i)));
            }
        }
        RecentCommands recent = known.recentCommands();
        for (Long sequence : result.sequences()) {
            recent = recent.including(context.commandId(), sequence);
        }
        KnownState<S> next = new KnownState<>(
                state, result.version(), known.eventsSinceSnapshot() + events.size(), recent, known.streamIdentity());
        next = steps.maybeSnapshot(registration, entity, next);
        cache.remember(entity, slot, next);
        steps.record(new CommandRecord.Appended(
                context.commandId(),
                entity,
                next.streamIdentity(),
                result.sequences().get(0),
                result.sequences().get(result.sequences().size() - 1)));
        return new Outcome.Accepted<>(entity, appended, next.version(), state, false);
    }

    /**
     * The store reported the append as a duplicate: the command id was appended before (a re-send after a lost
     * answer). Catch the state up from the store instead of folding the events a second time, and report the
     * originally stored events.
     */
    private Outcome<S, E> duplicate(EntityRef entity, KnownState<S> known, AppendResult result, CommandContext ctx) {
        KnownState<S> caughtUp = loader.catchUp(entity, known, event -> {});
        cache.remember(entity, caughtUp);
        KnownState.CommandSpan span = caughtUp.recent(ctx.commandId())
                .orElse(new KnownState.CommandSpan(
                        ctx.commandId(), result.sequences().get(0), result.version()));
        return resent(entity, caughtUp, span, ctx);
    }

    /** A re-sent command: the events it stored originally, and the entity's current state and version. */
    private Outcome<S, E> resent(
            EntityRef entity, KnownState<S> known, KnownState.CommandSpan span, CommandContext ctx) {
        List<AppendedEvent<E>> original = new ArrayList<>();
        boolean[] found = {false};
        store.read(entity, ReadRange.after(span.firstSequence() - 1).upToSequence(span.lastSequence()), recorded -> {
            if (recorded.commandId().equals(ctx.commandId())) {
                found[0] = true; // (its events may all be dropped by upcasting now)
                for (E event : loader.decode(recorded)) {
                    original.add(new AppendedEvent<>(entity, recorded.sequence(), event));
                }
            }
        });
        if (!found[0]) {
            throw new IllegalStateException("command '" + ctx.commandId() + "' on " + entity
                    + " was stored at sequences " + span.firstSequence() + ".." + span.lastSequence()
                    + ", but none of its events could be read back");
        }
        LOG.debug("{}: command {} was already appended at {}", entity, ctx.commandId(), original);
        // (re)written: repairs the index when the process that appended died before it recorded the command
        steps.record(new CommandRecord.Appended(
                ctx.commandId(),
                entity,
                known.streamIdentity(),
                original.get(0).sequence(),
                original.get(original.size() - 1).sequence()));
        return new Outcome.Accepted<>(entity, original, known.version(), known.state(), true);
    }

    /**
     * A command the index remembers: answered with its original outcome, never decided again (today's state could give
     * another answer, and deciding again could store its events twice once the server's duplicate window is over).
     */
    private Outcome<S, E> original(EntityRef entity, KnownState<S> known, CommandRecord earlier, CommandContext ctx) {
        if (!earlier.entity().equals(entity)) {
            throw new CommandIdReused(ctx.commandId(), entity, earlier.entity());
        }
        if (earlier instanceof CommandRecord.Appended appended) {
            KnownState<S> current = known;
            if (current.version() < appended.lastSequence()) {
                current = loader.catchUp(entity, current, event -> {});
                cache.remember(entity, current);
            }
            return resent(
                    entity,
                    current,
                    new KnownState.CommandSpan(ctx.commandId(), appended.firstSequence(), appended.lastSequence()),
                    ctx);
        }
        LOG.debug("{}: command {} was decided before: {}", entity, ctx.commandId(), earlier);
        if (earlier instanceof CommandRecord.Rejected rejected) {
            return new Outcome.Rejected<>(entity, DecisionSteps.rejectionOf(rejected), known.version(), known.state());
        }
        return new Outcome.Unchanged<>(entity, known.version(), known.state());
    }
}
