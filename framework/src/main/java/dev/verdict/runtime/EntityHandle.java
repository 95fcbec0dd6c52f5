package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import java.time.Instant;
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
 * reads only the events it missed, decides again and re-appends, up to the {@link ConflictRetryPolicy}'s attempts; then it
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
    private final StateLoader<S, E> loader;
    private final StateCache cache;
    private final EntityLocks locks;
    private final AsyncCommands async;
    private final Interceptors interceptors;
    private final DecisionPipeline<C, S, E> pipeline;

    EntityHandle(Registration<C, S, E> registration, PipelineDependencies dependencies) {
        this.registration = registration;
        this.category = registration.category();
        this.loader = dependencies.loader(registration);
        this.cache = dependencies.cache();
        this.locks = dependencies.locks();
        this.async = dependencies.async();
        this.interceptors = dependencies.interceptors();
        this.pipeline = new DecisionPipeline<>(registration, dependencies, loader);
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
                CallerThread caller = new CallerThread(async.executor());
                outcome = caller.join(pipeline.run(entity, command, running.context(), newId, caller));
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
        return async.inTurn(
                List.of(entity),
                running,
                () -> pipeline.run(entity, command, running.context(), newId, async.executor()));
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

    @Override
    public String toString() {
        return "EntityHandle[" + category + "]";
    }
}
