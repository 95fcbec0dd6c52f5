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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles commands for the entities of one category, typed by its decider. Obtained from {@link
 * CommandRuntime#register}; thread-safe.
 *
 * <p>{@link #handle} loads the entity's state (cache, else snapshot + tail, else all events), decides, appends the
 * events with the version the decision was made on, and returns an {@link Outcome}. On a concurrency conflict it
 * reads only the events it missed, decides again and re-appends, up to the {@link RetryPolicy}'s attempts; then it
 * throws {@link ConflictRetriesExhausted}. A {@link DomainRejection} becomes {@link Outcome.Rejected} and is never
 * retried; any other exception of the decider or the store propagates unchanged. Commands to one entity are
 * serialized inside this JVM. A re-sent command id is answered with its original outcome and never stored twice:
 * within the server's duplicate window and the runtime's memory of each cached entity's last commands always, and
 * within the retention of the {@link dev.verdict.store.CommandIndex} when the runtime has one (docs/runtime.md,
 * "Idempotency").
 *
 * <pre>{@code
 * EntityHandle<RxCommand, Prescription, RxEvent> prescriptions = runtime.register(registration);
 * Outcome<Prescription, RxEvent> outcome =
 *         prescriptions.handle("rx-42", new Dispense(2), CommandContext.withCommandId(idempotencyKey));
 * CompletableFuture<Outcome<Prescription, RxEvent>> later = prescriptions.handleAsync("rx-42", new Dispense(1));
 * EntityState<Prescription> now = prescriptions.load("rx-42");          // for queries
 * EntityState<Prescription> then = prescriptions.loadAsOf("rx-42", Instant.parse("2026-01-01T00:00:00Z"));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public final class EntityHandle<C, S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(EntityHandle.class);

    private final Registration<C, S, E> registration;
    private final Category category;
    private final Decider<C, S, E> decider;
    private final EventCodec<E> codec;
    private final EventStore store;
    private final StateLoader<S, E> loader;
    private final StateCache cache;
    private final EntityLocks locks;
    private final RetryPolicy retry;
    private final RuntimeMetrics metrics;
    private final Optional<CommandIndex> commandIndex;
    private final AsyncCommands async;
    private final Interceptors interceptors;
    private final DecisionSteps steps;

    EntityHandle(Registration<C, S, E> registration, PipelineDependencies dependencies) {
        this.registration = registration;
        this.category = registration.category();
        this.decider = registration.decider();
        this.codec = registration.eventCodec();
        this.store = dependencies.store();
        this.loader = dependencies.loader(registration);
        this.cache = dependencies.cache();
        this.locks = dependencies.locks();
        this.retry = dependencies.retry();
        this.metrics = dependencies.metrics();
        this.commandIndex = dependencies.commandIndex();
        this.async = dependencies.async();
        this.interceptors = dependencies.interceptors();
        this.steps = new DecisionSteps(dependencies);
    }

    /** The category this handle serves. */
    public Category category() {
        return category;
    }

    /** The registration this handle was created from. */
    public Registration<C, S, E> registration() {
        return registration;
    }

    /**
     * Handles a command with a fresh {@link CommandContext} (a random command id). Such an id cannot have been seen
     * before, so the command index (if any) is not asked: the cost of idempotency is paid only by commands whose id
     * the caller chose and may re-send.
     */
    public Outcome<S, E> handle(String id, C command) {
        return handleCommand(id, command, CommandContext.create(), true);
    }

    /**
     * Handles a command: load, decide, append with optimistic concurrency, retry on conflict.
     *
     * @param id the entity id within this category (one subject token, see {@link dev.verdict.store.EntityId})
     * @param command the command
     * @param context command id (deduplication: re-sending the same id is safe), correlation, causation, metadata
     * @return {@link Outcome.Accepted}, {@link Outcome.Unchanged} or {@link Outcome.Rejected}
     * @throws ConflictRetriesExhausted when every attempt lost against another writer; nothing was stored
     * @throws CommandIdReused when the runtime has a command index and the command id was used before for another
     *     entity; nothing was decided or stored
     * @throws dev.verdict.store.InvalidIdentifier when the id is not a valid entity id
     * @throws dev.verdict.store.EventDecodingFailed when a stored event of the entity cannot be decoded
     * @throws dev.verdict.store.EventStoreUnavailable when the store did not answer: the command may or may not be
     *     stored; re-send it with the same context
     */
    public Outcome<S, E> handle(String id, C command, CommandContext context) {
        return handleCommand(id, command, context, false);
    }

    private Outcome<S, E> handleCommand(String id, C command, CommandContext context, boolean newId) {
        EntityRef entity = category.entity(id);
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(context, "context");
        Interceptors.Running running = interceptors.begin(category, List.of(entity), command, context);
        Outcome<S, E> outcome;
        try {
            ReentrantLock lock = locks.lockFor(entity);
            lock.lock();
            try {
                outcome = decideAndAppend(entity, command, running.context(), newId);
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            running.end(null, e);
            throw e;
        }
        running.end(outcome, null);
        return outcome;
    }

    /**
     * {@link #handle(String, Object)} without blocking the caller: see {@link #handleAsync(String, Object,
     * CommandContext)}. A fresh command id is drawn, so the command index (if any) is not asked.
     */
    public CompletableFuture<Outcome<S, E>> handleAsync(String id, C command) {
        return submit(id, command, CommandContext.create(), true);
    }

    /**
     * Handles a command like {@link #handle(String, Object, CommandContext)} – the same outcomes, idempotency,
     * caching, snapshots and metrics – without blocking the caller and without parking a thread while NATS answers.
     *
     * <p>Guarantees:
     *
     * <ul>
     *   <li><b>Non-blocking</b>: returns at once. A command on a cached entity is decided on the calling thread (or on
     *       the thread that finished the entity's previous command) and its one event is appended by an asynchronous
     *       publish; no thread waits for the acknowledgement. What blocks runs on the runtime's executor ({@link
     *       CommandRuntime.Builder#asyncExecutor}): a cold load, a catch-up read after a conflict or a stale cache, a
     *       multi-event append (an atomic batch) and the read-back of a re-sent command's original events. Backoffs
     *       after a conflict are scheduled on a timer; no thread sleeps. The future is completed on the executor,
     *       never on a NATS connection thread, so a callback may block (e.g. call {@code handle}).
     *   <li><b>Ordered per entity</b>: commands for one entity are decided one after another, in the order {@code
     *       handleAsync} was called (per calling thread; across threads in the order the calls reached the runtime),
     *       each on the state the previous one left. Commands for different entities run concurrently.
     *   <li><b>Bounded</b>: at most {@link CommandRuntime.Builder#maxInFlight} asynchronous commands are in flight
     *       per runtime; beyond, the returned future is already failed with {@link CommandsInFlightExceeded} and
     *       nothing is queued, decided or stored.
     *   <li><b>Never lost</b>: every returned future completes – with the outcome, or with what {@code handle} would
     *       throw ({@link ConflictRetriesExhausted}, {@link dev.verdict.store.EventStoreUnavailable} when the store
     *       did not answer in time: the outcome is unknown, re-send with the same context; ...).
     *   <li><b>Cancellation</b> of the returned future does not stop a command that has started: it is stored once
     *       or not at all, exactly as if nobody had cancelled, and the entity's next command waits for it. A command
     *       cancelled while it waits for its turn is never decided.
     * </ul>
     *
     * <p>Blocking {@code handle} and {@code handleAsync} on the same entity in one process are not queued behind each
     * other (the one holds a lock, the other a turn); they are still correct – an append made on an outdated state
     * conflicts and is retried on the caught-up state – but they may cost retries. Keep one entity on one of them.
     *
     * <pre>{@code
     * CommandContext context = CommandContext.withCommandId(idempotencyKey);
     * prescriptions.handleAsync("rx-42", new Dispense(2), context).whenComplete((outcome, error) -> {
     *     if (error instanceof CommandsInFlightExceeded) {
     *         respond(503);                                // overloaded: nothing stored, send again later
     *     } else if (error instanceof EventStoreUnavailable) {
     *         respond(503);                                // unknown outcome: re-send with the same context
     *     } else if (error != null) {
     *         respond(500);
     *     } else {
     *         respond(outcome.<Integer>map(accepted -> 201, unchanged -> 200, rejected -> 409));
     *     }
     * });
     * }</pre>
     *
     * @return a future of {@link Outcome.Accepted}, {@link Outcome.Unchanged} or {@link Outcome.Rejected}, failed with
     *     the exception itself (not wrapped) when the command fails
     */
    public CompletableFuture<Outcome<S, E>> handleAsync(String id, C command, CommandContext context) {
        return submit(id, command, context, false);
    }

    private CompletableFuture<Outcome<S, E>> submit(String id, C command, CommandContext context, boolean newId) {
        EntityRef entity;
        try {
            entity = category.entity(id);
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(context, "context");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!async.tryEnter()) {
            return CompletableFuture.failedFuture(new CommandsInFlightExceeded(async.maxInFlight()));
        }
        Interceptors.Running running;
        try {
            running = interceptors.begin(category, List.of(entity), command, context);
        } catch (RuntimeException | Error e) {
            async.leave();
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Outcome<S, E>> result = new CompletableFuture<>();
        CompletableFuture<Void> turn = new CompletableFuture<>();
        CompletableFuture<Void> previous = async.queue(entity, turn);
        if (previous == null || previous.isDone()) {
            begin(entity, command, running, newId, result, turn);
        } else {
            previous.whenComplete(
                    (ignored, error) -> async.startTurn(() -> begin(entity, command, running, newId, result, turn)));
        }
        return result;
    }

    /** The command's turn has come (its entity's previous command has finished). */
    private void begin(
            EntityRef entity,
            C command,
            Interceptors.Running running,
            boolean newId,
            CompletableFuture<Outcome<S, E>> result,
            CompletableFuture<Void> turn) {
        if (result.isDone()) {
            // cancelled (or completed by the caller) while waiting for its turn: never decided, nothing stored
            running.end(null, new java.util.concurrent.CancellationException("cancelled before its turn"));
            async.leave();
            async.done(entity, turn);
            return;
        }
        CompletableFuture<Outcome<S, E>> work;
        try {
            work = decideAndAppendAsync(entity, command, running.context(), newId);
        } catch (RuntimeException | Error e) {
            work = CompletableFuture.failedFuture(e);
        }
        work.whenComplete((outcome, error) -> {
            Throwable failure = error == null ? null : AsyncCommands.unwrap(error);
            try {
                running.end(outcome, failure);
            } finally {
                // whatever happened above: free the place, answer the caller, let the entity's next command go
                async.leave();
                async.deliver(result, outcome, failure);
                async.done(entity, turn);
            }
        });
    }

    /** {@link #decideAndAppend} without blocking where it can; what blocks runs on the executor. */
    private CompletableFuture<Outcome<S, E>> decideAndAppendAsync(
            EntityRef entity, C command, CommandContext context, boolean newId) {
        StateCache.Slot candidate = cache.slot(entity);
        Optional<KnownState<S>> cached = cache.known(entity, candidate);
        StateCache.Slot slot = cached.isPresent() ? candidate : null; // a cold load remembers in a new slot
        if (cached.isEmpty()) {
            // a cold load (snapshot and tail, or all events) reads with blocking calls: the command runs on the
            // executor
            return async.onExecutor(
                    () -> CompletableFuture.completedFuture(decideAndAppend(entity, command, context, newId)));
        }
        KnownState<S> known = steps.cacheHit(category, cached.get());
        if (commandIndex.isPresent()
                && !newId
                && known.recent(context.commandId()).isEmpty()) {
            return commandIndex.get().find(context.commandId()).thenCompose(earlier -> {
                if (earlier.isPresent() && DecisionSteps.ofThisStream(entity, earlier.get(), known.streamIdentity())) {
                    return async.onExecutor(
                            () -> CompletableFuture.completedFuture(original(entity, known, earlier.get(), context)));
                }
                return attemptAsync(entity, command, context, newId, slot, known, false, 1, new ArrayList<>());
            });
        }
        return attemptAsync(entity, command, context, newId, slot, known, false, 1, new ArrayList<>());
    }

    /** One attempt of {@link #loop}, asynchronously: decide, then append, confirm or retry without blocking. */
    private CompletableFuture<Outcome<S, E>> attemptAsync(
            EntityRef entity,
            C command,
            CommandContext context,
            boolean newId,
            StateCache.Slot slot,
            KnownState<S> known,
            boolean confirmed,
            int attempt,
            List<Long> overtaken) {
        // an id the runtime drew itself cannot be among the folded commands: skip the lookup (its hash, a scan)
        if (!newId && known.recent(context.commandId()).isPresent()) {
            // a re-send whose events are folded in: confirming it and reading its events back block (rare)
            return async.onExecutor(() -> CompletableFuture.completedFuture(
                    loop(entity, command, context, newId, slot, known, confirmed, attempt, overtaken)));
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
                return async.onExecutor(() -> {
                    KnownState<S> caughtUp = loader.catchUp(entity, known, event -> {});
                    cache.remember(entity, caughtUp);
                    return attemptAsync(entity, command, context, newId, slot, caughtUp, true, attempt, overtaken);
                });
            });
        }
        return store.appendAsync(entity, known.version(), encode(decision.events()), context, async.executor())
                .handle((result, error) -> {
                    if (error == null) {
                        if (result.duplicate()) {
                            return async.onExecutor(
                                    () -> CompletableFuture.completedFuture(duplicate(entity, known, result, context)));
                        }
                        return CompletableFuture.completedFuture(
                                accepted(entity, slot, known, decision.events(), result, context));
                    }
                    Throwable failure = AsyncCommands.unwrap(error);
                    if (!(failure instanceof ConcurrencyConflict)) {
                        return CompletableFuture.<Outcome<S, E>>failedFuture(failure);
                    }
                    ConcurrencyConflict conflict = (ConcurrencyConflict) failure;
                    metrics.conflict(category);
                    overtaken.add(known.version());
                    if (attempt >= retry.maxAttempts()) {
                        return CompletableFuture.<Outcome<S, E>>failedFuture(
                                new ConflictRetriesExhausted(entity, attempt, overtaken, conflict));
                    }
                    LOG.debug("{}: attempt {} overtaken at version {}, catching up", entity, attempt, known.version());
                    return async.after(retry.backoffBefore(attempt), () -> {
                        metrics.retry(category);
                        KnownState<S> caughtUp = loader.catchUpAfter(entity, known, conflict);
                        cache.remember(entity, caughtUp);
                        return attemptAsync(
                                entity, command, context, newId, slot, caughtUp, true, attempt + 1, overtaken);
                    });
                })
                .thenCompose(next -> next);
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

    /**
     * The entity's latest state, for queries (never decide on it yourself: send a command). With the cache on, a
     * cached entity is caught up with a tail read; otherwise it is loaded from a snapshot and its tail, or from all
     * events.
     */
    public EntityState<S> load(String id) {
        EntityRef entity = category.entity(id);
        Optional<KnownState<S>> cached = cache.get(entity);
        KnownState<S> known =
                cached.isPresent() ? loader.catchUp(entity, cached.get(), event -> {}) : loader.load(entity);
        cache.remember(entity, known);
        return new EntityState<>(entity, known.state(), known.version());
    }

    /** The entity's state including only events up to and including stream sequence {@code sequence}. */
    public EntityState<S> loadAsOf(String id, long sequence) {
        return loader.loadRange(category.entity(id), ReadRange.all().upToSequence(sequence));
    }

    /** The entity's state including only events the server stored at or before {@code time}. */
    public EntityState<S> loadAsOf(String id, Instant time) {
        Objects.requireNonNull(time, "time");
        return loader.loadRange(category.entity(id), ReadRange.all().asOf(time));
    }

    private Outcome<S, E> decideAndAppend(EntityRef entity, C command, CommandContext context, boolean newId) {
        StateCache.Slot candidate = cache.slot(entity);
        Optional<KnownState<S>> cached = cache.known(entity, candidate);
        StateCache.Slot slot = cached.isPresent() ? candidate : null; // a cold load remembers in a new slot
        // a cached state may be stale (another process appended): an append would reveal it, a rejection or a
        // no-op would not, so those are confirmed against the entity's version before they are reported
        boolean confirmed = cached.isEmpty();
        // the in-memory memory knows the last commands of a cached entity; any other id may have been seen before
        // (another process, a restart, a snapshot, long ago): ask the index, in parallel with a cold load
        CompletableFuture<Optional<CommandRecord>> recorded = commandIndex.isPresent()
                        && !newId
                        && (cached.isEmpty()
                                || cached.get().recent(context.commandId()).isEmpty())
                ? commandIndex.get().find(context.commandId())
                : null;
        KnownState<S> known = cached.isPresent() ? steps.cacheHit(category, cached.get()) : loadAndRemember(entity);
        if (recorded != null) {
            // the index's answer, or what it failed with (an unanswered lookup fails the command: nothing was decided)
            Optional<CommandRecord> earlier = AsyncCommands.join(recorded);
            if (earlier.isPresent() && DecisionSteps.ofThisStream(entity, earlier.get(), known.streamIdentity())) {
                return original(entity, known, earlier.get(), context);
            }
        }
        return loop(entity, command, context, newId, slot, known, confirmed, 1, new ArrayList<>());
    }

    /**
     * The decide–append loop of {@link #handle} from attempt {@code firstAttempt} on, for a known state (which {@code
     * confirmed} says was checked against the entity's version or read from the store). {@code newId}: the runtime drew
     * the command id itself, so it cannot be among the folded commands (the lookup is skipped, as in {@link
     * #attemptAsync}). {@code slot}: the entity's cache slot when the command started from a cached state (else null),
     * so an accepted state is remembered without a second cache lookup.
     */
    private Outcome<S, E> loop(
            EntityRef entity,
            C command,
            CommandContext context,
            boolean newId,
            StateCache.Slot slot,
            KnownState<S> known,
            boolean confirmed,
            int firstAttempt,
            List<Long> overtaken) {
        for (int attempt = firstAttempt; ; attempt++) {
            Optional<KnownState.CommandSpan> earlier = newId ? Optional.empty() : known.recent(context.commandId());
            if (earlier.isPresent()) {
                // this command id's events are already folded in: a re-send, whatever deciding again would say
                if (!confirmed) {
                    confirmed = true;
                    if (store.version(entity) != known.version()) {
                        known = loader.catchUp(entity, known, event -> {});
                        cache.remember(entity, known);
                    }
                }
                return resent(entity, known, earlier.get(), context);
            }
            DecisionSteps.Decision<E> decision = decide(command, known.state());
            if (decision.events().isEmpty()) {
                if (!confirmed) {
                    confirmed = true;
                    if (store.version(entity) != known.version()) {
                        LOG.debug("{}: cached version {} is stale, catching up", entity, known.version());
                        known = loader.catchUp(entity, known, event -> {});
                        cache.remember(entity, known);
                        attempt--;
                        continue;
                    }
                }
                return noEvents(entity, known, context, decision.rejection());
            }
            AppendResult result;
            try {
                result = store.append(entity, known.version(), encode(decision.events()), context);
            } catch (ConcurrencyConflict conflict) {
                metrics.conflict(category);
                overtaken.add(known.version());
                if (attempt >= retry.maxAttempts()) {
                    throw new ConflictRetriesExhausted(entity, attempt, overtaken, conflict);
                }
                LOG.debug("{}: attempt {} overtaken at version {}, catching up", entity, attempt, known.version());
                int failed = attempt;
                steps.backOff(failed, () -> new ConflictRetriesExhausted(entity, failed, overtaken, conflict));
                metrics.retry(category);
                known = loader.catchUpAfter(entity, known, conflict);
                cache.remember(entity, known);
                confirmed = true;
                continue;
            }
            if (result.duplicate()) {
                return duplicate(entity, known, result, context);
            }
            return accepted(entity, slot, known, decision.events(), result, context);
        }
    }

    private KnownState<S> loadAndRemember(EntityRef entity) {
        KnownState<S> loaded = loader.load(entity);
        cache.remember(entity, loaded);
        return loaded;
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
        List<AppendedEvent<E>> appended = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            state = decider.evolve(state, events.get(i));
            appended.add(new AppendedEvent<>(result.sequences().get(i), events.get(i)));
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
        store.read(entity, ReadRange.after(span.firstSequence() - 1).upToSequence(span.lastSequence()), recorded -> {
            if (recorded.commandId().equals(ctx.commandId())) {
                original.add(new AppendedEvent<>(recorded.sequence(), loader.decode(recorded)));
            }
        });
        if (original.isEmpty()) {
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

    @Override
    public String toString() {
        return "EntityHandle[" + category + "]";
    }
}
