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
import dev.verdict.store.EntityId;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles commands whose decision spans several entities – a {@link MultiDecider} – with the guarantees of {@link
 * EntityHandle} for each of them. Obtained from {@link CommandRuntime#register(MultiRegistration)}; thread-safe.
 *
 * <p>{@link #handle} asks the decider which entities the command {@linkplain MultiDecider#reads reads}, loads each one
 * (for a decider built by {@link MultiDecider#of(dev.verdict.decider.EntityRead, dev.verdict.decider.EntityRead,
 * MultiDecider.Decide2)} over the registered deciders: from the same cache, snapshot and tail as the entity's own
 * commands; otherwise from its events), decides on the combined state and appends every routed event in <b>one atomic
 * append</b> ({@link EventStore#appendAcross}: on NATS one ADR-50 batch over the entities' subjects) in which every
 * entity read is guarded by the version it was read at – written or only read. So either all events are stored and no
 * entity read changed in between, or nothing is stored. A decision that reads one entity is appended like {@link
 * EntityHandle#handle} (one event: a plain publish).
 *
 * <p>On a conflict the runtime asks every entity read for its version, reads only the tails of those that moved,
 * decides again and re-appends, up to the {@link RetryPolicy}'s attempts; then {@link ConflictRetriesExhausted}. A
 * {@link DomainRejection} is {@link MultiOutcome.Rejected}; no events is {@link MultiOutcome.Unchanged}; neither
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
 * MultiOutcome<CombinedState<Prescription, Inventory>, Object> outcome =
 *         dispenses.handle(new DispenseFill("rx-1", "aspirin", 5), CommandContext.withCommandId(idempotencyKey));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the combined state
 * @param <E> the event type
 */
public final class MultiEntityHandle<C, S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(MultiEntityHandle.class);

    private final MultiRegistration<C, S, E> registration;
    private final Category name;
    private final MultiDecider<C, S, E> decider;
    private final Optional<EntityStates<S>> entityStates;
    private final PipelineDependencies dependencies;
    private final EventStore store;
    private final StateCache cache;
    private final EntityLocks locks;
    private final RetryPolicy retry;
    private final RuntimeMetrics metrics;
    private final Executor asyncExecutor;
    private final Optional<CommandIndex> commandIndex;
    private final Interceptors interceptors;
    private final DecisionSteps steps;
    private final ReadEntities reads;

    @SuppressWarnings("unchecked")
    MultiEntityHandle(MultiRegistration<C, S, E> registration, PipelineDependencies dependencies) {
        this.registration = registration;
        this.name = registration.name();
        this.decider = registration.decider();
        this.entityStates =
                decider instanceof EntityStates<?> states ? Optional.of((EntityStates<S>) states) : Optional.empty();
        this.dependencies = dependencies;
        this.store = dependencies.store();
        this.cache = dependencies.cache();
        this.locks = dependencies.locks();
        this.retry = dependencies.retry();
        this.metrics = dependencies.metrics();
        this.asyncExecutor = dependencies.async().executor();
        this.commandIndex = dependencies.commandIndex();
        this.interceptors = dependencies.interceptors();
        this.steps = new DecisionSteps(dependencies);
        this.reads = new ReadEntities(dependencies, steps);
    }

    /** The registration this handle was created from. */
    public MultiRegistration<C, S, E> registration() {
        return registration;
    }

    /**
     * Handles a command with a fresh {@link CommandContext} (a random command id). Such an id cannot have been seen
     * before, so the command index (if any) is not asked.
     */
    public MultiOutcome<S, E> handle(C command) {
        return handleCommand(command, CommandContext.create(), true);
    }

    /**
     * Handles a command over several entities: load each, decide, append atomically with every entity guarded, retry
     * on conflict.
     *
     * @return {@link MultiOutcome.Accepted}, {@link MultiOutcome.Unchanged} or {@link MultiOutcome.Rejected}
     * @throws ConflictRetriesExhausted when every attempt lost against another writer; nothing was stored
     * @throws IllegalStateException when a category read is not registered with the runtime, or the decider breaks
     *     its contract (no entity, an entity twice, an event routed to an entity not read)
     * @throws IllegalArgumentException when the decision reads more entities than it appends events (see above)
     * @throws dev.verdict.store.InvalidIdentifier when an entity's category or id is not valid for the store
     * @throws dev.verdict.store.EventStoreUnavailable when the store did not answer: the command may or may not be
     *     stored; re-send it with the same context
     */
    public MultiOutcome<S, E> handle(C command, CommandContext context) {
        return handleCommand(command, context, false);
    }

    private MultiOutcome<S, E> handleCommand(C command, CommandContext context, boolean newId) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(context, "context");
        List<ReadEntity> parts = parts(command);
        Interceptors.Running running = interceptors.begin(name, refs(parts), command, context);
        return run(command, parts, running, newId);
    }

    /** The command once intercepted: locks its entities, decides and appends, ends the interception. */
    private MultiOutcome<S, E> run(C command, List<ReadEntity> parts, Interceptors.Running running, boolean newId) {
        MultiOutcome<S, E> outcome;
        try {
            List<ReentrantLock> held = locks.locksFor(refs(parts));
            for (ReentrantLock lock : held) {
                lock.lock();
            }
            try {
                outcome = decideAndAppend(command, parts, running.context(), newId);
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

    /** {@link #handle(Object)} on the runtime's executor. */
    public CompletableFuture<MultiOutcome<S, E>> handleAsync(C command) {
        return submit(command, CommandContext.create(), true);
    }

    /**
     * {@link #handle(Object, CommandContext)} on the runtime's executor; the future fails with what it would throw.
     * The command's interceptors begin on the calling thread.
     */
    public CompletableFuture<MultiOutcome<S, E>> handleAsync(C command, CommandContext context) {
        return submit(command, context, false);
    }

    private CompletableFuture<MultiOutcome<S, E>> submit(C command, CommandContext context, boolean newId) {
        List<ReadEntity> parts;
        Interceptors.Running running;
        try {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(context, "context");
            parts = parts(command);
            running = interceptors.begin(name, refs(parts), command, context);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            return CompletableFuture.supplyAsync(() -> run(command, parts, running, newId), asyncExecutor);
        } catch (RuntimeException e) {
            running.end(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<ReadEntity> parts(C command) {
        List<EntityKey> keys = Objects.requireNonNull(
                decider.reads(command), () -> "the multi-entity decider '" + name + "' returned null reads");
        if (keys.isEmpty()) {
            throw new IllegalStateException("the multi-entity decider '" + name + "' reads no entity for " + command);
        }
        Set<EntityKey> seen = new HashSet<>();
        List<ReadEntity> parts = new ArrayList<>(keys.size());
        boolean allOwn = entityStates.isPresent();
        List<Registration<?, Object, Object>> registrations = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            if (!seen.add(key)) {
                throw new IllegalStateException("the multi-entity decider '" + name + "' reads " + key + " twice");
            }
            Category category = Category.of(key.category());
            Registration<?, ?, ?> registered = dependencies
                    .registration(category)
                    .orElseThrow(() -> new IllegalStateException("the decision '" + name + "' reads " + key
                            + ", but category '" + key.category() + "' is not registered with the runtime: register"
                            + " it (its codec and decider) before handling commands over several entities"));
            Registration<?, Object, Object> entityRegistration = (Registration<?, Object, Object>) registered;
            registrations.add(entityRegistration);
            if (allOwn && entityStates.get().deciderOf(key) != entityRegistration.decider()) {
                allOwn = false;
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            EntityKey key = keys.get(i);
            EntityRef ref = new EntityRef(Category.of(key.category()), EntityId.of(key.id()));
            parts.add(new ReadEntity(key, ref, registrations.get(i), allOwn));
        }
        return parts;
    }

    private MultiOutcome<S, E> decideAndAppend(
            C command, List<ReadEntity> parts, CommandContext context, boolean newId) {
        // any command id the entities' memories do not know may have been decided before (another process, a
        // restart, long ago): with a command index, ask it in parallel with the loads
        CompletableFuture<Optional<CommandRecord>> recorded = null;
        if (commandIndex.isPresent() && !newId) {
            boolean known = false;
            for (ReadEntity part : parts) {
                Optional<KnownState<Object>> cached = part.ownState ? cache.get(part.ref) : Optional.empty();
                known |= cached.isPresent()
                        && cached.get().recent(context.commandId()).isPresent();
            }
            recorded = known ? null : commandIndex.get().find(context.commandId());
        }
        for (ReadEntity part : parts) {
            reads.load(part);
        }
        if (recorded != null) {
            Optional<CommandRecord> earlier = AsyncCommands.join(recorded);
            if (earlier.isPresent()
                    && DecisionSteps.ofThisStream(
                            name, earlier.get(), parts.get(0).known.streamIdentity())) {
                return original(parts, earlier.get(), context);
            }
        }
        List<Long> overtaken = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Optional<ReadEntity> knowsCommand = parts.stream()
                    .filter(p -> p.known.recent(context.commandId()).isPresent())
                    .findFirst();
            if (knowsCommand.isPresent()) {
                reads.confirm(parts);
                return resent(parts, context);
            }
            S state = state(parts);
            List<Routed<E>> routed;
            DomainRejection rejection = null;
            try {
                routed = Objects.requireNonNull(
                        decider.decide(command, state),
                        () -> "the multi-entity decider '" + name + "' returned null instead of a list of events");
            } catch (DomainRejection r) {
                rejection = r;
                routed = List.of();
            }
            if (routed.isEmpty()) {
                if (reads.confirm(parts)) {
                    attempt--;
                    continue; // a cached state was stale: decide on the current one
                }
                ReadEntity first = parts.get(0);
                if (rejection != null) {
                    steps.record(new CommandRecord.Rejected(
                            context.commandId(),
                            first.ref,
                            first.known.streamIdentity(),
                            first.known.version(),
                            rejection.code(),
                            rejection.getMessage()));
                    return new MultiOutcome.Rejected<>(rejection, versions(parts), state);
                }
                steps.record(new CommandRecord.Unchanged(
                        context.commandId(), first.ref, first.known.streamIdentity(), first.known.version()));
                return new MultiOutcome.Unchanged<>(versions(parts), state);
            }
            List<EntityEvent> events = encode(parts, routed);
            List<EntityVersion> guards = new ArrayList<>(parts.size());
            for (ReadEntity part : parts) {
                guards.add(new EntityVersion(part.ref, part.known.version()));
            }
            AppendAcrossResult result;
            try {
                result = store.appendAcross(guards, events, context);
            } catch (ConflictAcrossEntities conflict) {
                metrics.conflict(name);
                overtaken.add(parts.get(0).known.version());
                if (attempt >= retry.maxAttempts()) {
                    throw new ConflictRetriesExhausted(refs(parts), attempt, overtaken, conflict);
                }
                LOG.debug("{}: attempt {} over {} overtaken, catching up", name, attempt, guards);
                int failed = attempt;
                steps.backOff(failed, () -> new ConflictRetriesExhausted(refs(parts), failed, overtaken, conflict));
                metrics.retry(name);
                catchUpChanged(parts);
                continue;
            }
            if (result.duplicate()) {
                for (ReadEntity part : parts) {
                    reads.catchUp(part);
                }
                return readBack(parts, context, result);
            }
            return accepted(parts, routed, result, context);
        }
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

    /** After a conflict: asks every part's version, reads only the tails of the parts that moved. */
    private void catchUpChanged(List<ReadEntity> parts) {
        if (!reads.catchUpMoved(parts)) {
            LOG.debug("{}: conflict, but no entity read has moved any more; deciding again", name);
        }
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

    private MultiOutcome<S, E> accepted(
            List<ReadEntity> parts, List<Routed<E>> routed, AppendAcrossResult result, CommandContext context) {
        List<MultiOutcome.StoredEvent<E>> stored = new ArrayList<>(routed.size());
        for (int i = 0; i < routed.size(); i++) {
            stored.add(new MultiOutcome.StoredEvent<>(
                    routed.get(i).entity(),
                    result.sequences().get(i),
                    routed.get(i).event()));
        }
        reads.appended(parts, stored, context.commandId());
        recordAppended(parts, stored, context);
        return new MultiOutcome.Accepted<>(stored, versions(parts), state(parts), false);
    }

    /**
     * One record for the whole decision: the entity of its first event and the span of stream sequences its batch
     * occupies (a batch is stored on contiguous sequences), so every entity's events of the command are found in it.
     */
    private void recordAppended(
            List<ReadEntity> parts, List<MultiOutcome.StoredEvent<E>> stored, CommandContext context) {
        if (commandIndex.isEmpty() || stored.isEmpty()) {
            return;
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (MultiOutcome.StoredEvent<E> e : stored) {
            first = Math.min(first, e.sequence());
            last = Math.max(last, e.sequence());
        }
        EntityKey firstKey = stored.get(0).entity();
        ReadEntity written =
                parts.stream().filter(p -> p.key.equals(firstKey)).findFirst().orElseThrow();
        steps.record(new CommandRecord.Appended(
                context.commandId(), written.ref, written.known.streamIdentity(), first, last));
    }

    /**
     * A command the index remembers: answered with its original outcome, never decided again (today's state could give
     * another answer, and deciding again could store its events twice once the server's duplicate window is over).
     */
    private MultiOutcome<S, E> original(List<ReadEntity> parts, CommandRecord earlier, CommandContext context) {
        Optional<ReadEntity> same =
                parts.stream().filter(p -> p.ref.equals(earlier.entity())).findFirst();
        if (same.isEmpty()) {
            throw new CommandIdReused(context.commandId(), parts.get(0).ref, earlier.entity());
        }
        reads.confirm(parts);
        LOG.debug("{}: command {} was decided before: {}", name, context.commandId(), earlier);
        if (earlier instanceof CommandRecord.Appended appended) {
            List<MultiOutcome.StoredEvent<E>> original = new ArrayList<>();
            for (ReadEntity part : parts) {
                reads.commandEvents(
                        part,
                        ReadRange.after(appended.firstSequence() - 1).upToSequence(appended.lastSequence()),
                        context,
                        original);
            }
            return duplicateOutcome(parts, context, original);
        }
        if (earlier instanceof CommandRecord.Rejected rejected) {
            return new MultiOutcome.Rejected<>(DecisionSteps.rejectionOf(rejected), versions(parts), state(parts));
        }
        return new MultiOutcome.Unchanged<>(versions(parts), state(parts));
    }

    /** A re-sent command the runtime's memory knows: its original events, read back from each entity. */
    private MultiOutcome<S, E> resent(List<ReadEntity> parts, CommandContext context) {
        List<MultiOutcome.StoredEvent<E>> original = new ArrayList<>();
        for (ReadEntity part : parts) {
            Optional<KnownState.CommandSpan> span = part.known.recent(context.commandId());
            if (span.isPresent()) {
                reads.commandEvents(
                        part,
                        ReadRange.after(span.get().firstSequence() - 1)
                                .upToSequence(span.get().lastSequence()),
                        context,
                        original);
            }
        }
        return duplicateOutcome(parts, context, original);
    }

    /** The store recognised the command id: read its original events back at the sequences it reported. */
    private MultiOutcome<S, E> readBack(List<ReadEntity> parts, CommandContext context, AppendAcrossResult result) {
        List<MultiOutcome.StoredEvent<E>> original = new ArrayList<>();
        for (ReadEntity part : parts) {
            long first = Long.MAX_VALUE;
            long last = 0;
            for (int i = 0; i < result.events().size(); i++) {
                if (result.events().get(i).entity().equals(part.ref)) {
                    first = Math.min(first, result.sequences().get(i));
                    last = Math.max(last, result.sequences().get(i));
                }
            }
            if (last > 0) {
                reads.commandEvents(part, ReadRange.after(first - 1).upToSequence(last), context, original);
            }
        }
        return duplicateOutcome(parts, context, original);
    }

    private MultiOutcome<S, E> duplicateOutcome(
            List<ReadEntity> parts, CommandContext context, List<MultiOutcome.StoredEvent<E>> original) {
        if (original.isEmpty()) {
            throw new IllegalStateException("command '" + context.commandId() + "' over " + refs(parts)
                    + " was stored before, but none of its events could be read back");
        }
        original.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        LOG.debug("{}: command {} was already appended", name, context.commandId());
        // (re)written: repairs the index when the process that appended died before it recorded the command
        recordAppended(parts, original, context);
        return new MultiOutcome.Accepted<>(original, versions(parts), state(parts), true);
    }

    private Map<EntityKey, Long> versions(List<ReadEntity> parts) {
        Map<EntityKey, Long> versions = new LinkedHashMap<>();
        for (ReadEntity part : parts) {
            versions.put(part.key, part.known.version());
        }
        return versions;
    }

    private List<EntityRef> refs(List<ReadEntity> parts) {
        List<EntityRef> refs = new ArrayList<>(parts.size());
        for (ReadEntity part : parts) {
            refs.add(part.ref);
        }
        return refs;
    }

    @Override
    public String toString() {
        return "MultiEntityHandle[" + name + "]";
    }
}
