package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityStates;
import dev.verdict.decider.MultiDecider;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Handles commands whose decision spans several entities – a {@link MultiDecider} – with the guarantees of {@link
 * EntityHandle} for each of them. Obtained from {@link CommandRuntime#register(MultiRegistration)}; thread-safe.
 *
 * <p>{@link #handle} asks the decider which entities the command {@linkplain MultiDecider#reads reads}, loads each one
 * (for a decider built by {@link MultiDecider#of(dev.verdict.decider.EntityRead, dev.verdict.decider.EntityRead,
 * MultiDecider.DecideBoth)} over the registered deciders: from the same cache, snapshot and tail as the entity's own
 * commands; otherwise from its events), decides on the combined state and appends every routed event in <b>one atomic
 * append</b> ({@link EventStore#appendAcross}: on NATS one ADR-50 batch over the entities' subjects) in which every
 * entity read is guarded by the version it was read at – written or only read. So either all events are stored and no
 * entity read changed in between, or nothing is stored. A decision that reads one entity is appended like {@link
 * EntityHandle#handle} (one event: a plain publish).
 *
 * <p>On a conflict the runtime asks every entity read for its version, reads only the tails of those that moved,
 * decides again and re-appends, up to the {@link ConflictRetryPolicy}'s attempts; then {@link ConflictRetriesExhausted}. A
 * {@link DomainRejection} is {@link Outcome.Rejected}; no events is {@link Outcome.Unchanged}; neither
 * writes anything. A re-sent command id is answered with the original events ({@code duplicate = true}). After an
 * accepted command the states of the written entities are cached, so the entities' own commands and queries see it.
 * Commands over overlapping entities are serialized inside this JVM.
 *
 * <p>Limits: an atomic append guards at most as many entities as it has events (docs/runtime.md, "Limits"): a decision
 * that reads more entities than it appends events fails with {@link IllegalArgumentException}, nothing stored.
 *
 * <pre>{@code
 * MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses =
 *         runtime.register(MultiRegistration.of("dispense", Dispensing.DECIDER));
 * Outcome<CombinedState<Prescription, Inventory>, Object> outcome =
 *         dispenses.handle(new DispenseFill("rx-1", "aspirin", 5), CommandContext.withCommandId(idempotencyKey));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the combined state
 * @param <E> the event type
 */
public final class MultiEntityHandle<C, S, E> {
    private final MultiRegistration<C, S, E> registration;
    private final Category name;
    private final MultiDecider<C, S, E> decider;
    private final Optional<EntityStates<S>> entityStates;
    private final EntityLocks locks;
    private final AsyncCommands async;
    private final Interceptors interceptors;
    private final MultiReads<C, S, E> reads;
    private final MultiDecisionPipeline<C, S, E> pipeline;

    @SuppressWarnings("unchecked")
    MultiEntityHandle(MultiRegistration<C, S, E> registration, PipelineDependencies dependencies) {
        this.registration = registration;
        this.name = registration.reportedAs();
        this.decider = registration.decider();
        this.entityStates =
                decider instanceof EntityStates<?> states ? Optional.of((EntityStates<S>) states) : Optional.empty();
        this.locks = dependencies.locks();
        this.async = dependencies.async();
        this.interceptors = dependencies.interceptors();
        this.reads = new MultiReads<>(name, decider, entityStates, dependencies);
        this.pipeline = new MultiDecisionPipeline<>(name, decider, entityStates, reads, dependencies);
    }

    /** The registration this handle was created from. */
    public MultiRegistration<C, S, E> registration() {
        return registration;
    }

    /**
     * Handles a command with a fresh {@link CommandContext} (a random command id). Such an id cannot have been seen
     * before, so the command index (if any) is not asked.
     */
    public Outcome<S, E> handle(C command) {
        return handleCommand(command, CommandContext.create(), true);
    }

    /**
     * Handles a command over several entities: load each, decide, append atomically with every entity guarded, retry
     * on conflict.
     *
     * @return {@link Outcome.Accepted}, {@link Outcome.Unchanged} or {@link Outcome.Rejected}
     * @throws ConflictRetriesExhausted when every attempt lost against another writer; nothing was stored
     * @throws IllegalStateException when a category read is not registered with the runtime, or the decider breaks
     *     its contract (no entity, an entity twice, an event routed to an entity not read)
     * @throws IllegalArgumentException when the decision reads more entities than it appends events (see above)
     * @throws dev.verdict.store.InvalidIdentifier when an entity's category or id is not valid for the store
     * @throws dev.verdict.store.EventStoreUnavailable when the store did not answer: the command may or may not be
     *     stored; re-send it with the same context
     */
    public Outcome<S, E> handle(C command, CommandContext context) {
        return handleCommand(command, context, false);
    }

    private Outcome<S, E> handleCommand(C command, CommandContext context, boolean newId) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(context, "context");
        List<ReadEntity> parts = parts(command);
        Interceptors.Running running = interceptors.begin(name, MultiDecisionPipeline.refs(parts), command, context);
        return run(command, parts, running, newId);
    }

    /** The command once intercepted: locks its entities, joins the pipeline on this thread, ends the interception. */
    private Outcome<S, E> run(C command, List<ReadEntity> parts, Interceptors.Running running, boolean newId) {
        Outcome<S, E> outcome;
        try {
            List<ReentrantLock> held = locks.locksFor(reads.serializedOn(parts, command));
            for (ReentrantLock lock : held) {
                lock.lock();
            }
            try {
                CallerThread caller = new CallerThread(async.executor());
                outcome = caller.join(pipeline.run(parts, command, running.context(), newId, caller));
            } finally {
                for (int i = held.size() - 1; i >= 0; i--) {
                    held.get(i).unlock();
                }
            }
        } catch (RuntimeException | Error e) {
            running.end(null, e);
            throw e;
        }
        running.end(outcome, null);
        return outcome;
    }

    /** {@link #handleAsync(Object, CommandContext)} with a fresh command id (the command index is not asked). */
    public CompletableFuture<Outcome<S, E>> handleAsync(C command) {
        return submit(command, CommandContext.create(), true);
    }

    /**
     * {@link #handle(Object, CommandContext)} without blocking the caller and without parking a thread while NATS
     * answers – the guarantees of {@link EntityHandle#handleAsync(String, Object, CommandContext)}: entities in the
     * cache are decided at once and appended by asynchronous requests (the atomic batch's first message and its
     * commit); what reads (a cold load, a catch-up after a conflict or a stale cache, a re-send's read-back) runs on
     * the runtime's executor; backoffs are on a timer. Commands are ordered per entity: one over several entities
     * waits until the previous commands on each of them have finished. At most {@link
     * CommandRuntime.Builder#maxInFlight} asynchronous commands (one- and multi-entity together) are in flight, beyond
     * that the future is already failed with {@link CommandsInFlightExceeded}. The future fails with what {@code
     * handle} would throw, not wrapped; the command's interceptors begin on the calling thread.
     */
    public CompletableFuture<Outcome<S, E>> handleAsync(C command, CommandContext context) {
        return submit(command, context, false);
    }

    private CompletableFuture<Outcome<S, E>> submit(C command, CommandContext context, boolean newId) {
        List<ReadEntity> parts;
        try {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(context, "context");
            parts = parts(command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!async.tryEnter()) {
            return CompletableFuture.failedFuture(new CommandsInFlightExceeded(async.maxInFlight()));
        }
        Interceptors.Running running;
        try {
            running = interceptors.begin(name, MultiDecisionPipeline.refs(parts), command, context);
        } catch (RuntimeException | Error e) {
            async.leave();
            return CompletableFuture.failedFuture(e);
        }
        List<EntityRef> serialized;
        try {
            serialized = reads.serializedOn(parts, command);
        } catch (RuntimeException | Error e) {
            running.end(null, e);
            async.leave();
            return CompletableFuture.failedFuture(e);
        }
        return async.inTurn(
                serialized, running, () -> pipeline.run(parts, command, running.context(), newId, async.executor()));
    }

    /** The entities the command names: the pipeline reads them first (and then those chosen from them). */
    private List<ReadEntity> parts(C command) {
        return new ArrayList<>(reads.named(command));
    }

    @Override
    public String toString() {
        return "MultiEntityHandle[" + name + "]";
    }
}
