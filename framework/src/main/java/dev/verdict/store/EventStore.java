package dev.verdict.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * An event store: per-entity sequences of events with optimistic concurrency and ordered replay.
 *
 * <p>Versions: an entity's version is the stream sequence of its last event, {@code 0} when it has none. Versions
 * of one entity grow strictly but not contiguously (other entities' events sit in between).
 *
 * <p>Guarantees of every implementation (the NATS store and the in-memory store alike):
 *
 * <ul>
 *   <li>{@link #append} stores all events of one call or none, only if the entity's version equals {@code
 *       expectedVersion}; otherwise it throws {@link ConcurrencyConflict} and stores nothing;
 *   <li>the event at index {@code i} of a call carries the message id {@code context.messageId(i)}; repeating an
 *       append with the same command id (inside the duplicate window) stores nothing new and returns the original
 *       sequences with {@code duplicate = true}; the command id of an append to another entity whose message ids the
 *       store remembers is refused with {@link EventStoreException} and nothing is stored (never reported as a
 *       duplicate of events that are not the entity's);
 *   <li>{@link #read} delivers an entity's events in order, exactly those inside the range, and fails with {@link
 *       EventDecodingFailed} rather than skip a message it cannot read.
 * </ul>
 *
 * <pre>{@code
 * EntityRef rx = EntityRef.of("prescription", "rx-42");
 * long version = store.version(rx);                       // 0 for a new entity
 * AppendResult r = store.append(rx, version, List.of(encoded), CommandContext.create());
 * store.read(rx, ReadRange.all(), event -> System.out.println(event.sequence() + " " + event.type()));
 * }</pre>
 */
public interface EventStore {

    /** The store's name: stream name and first subject token. */
    StoreName name();

    /**
     * Appends events to one entity atomically, if its version is still {@code expectedVersion}.
     *
     * @param expectedVersion the version the decision was made on; {@code 0} = the entity must have no events
     * @param events one or more events, in order
     * @throws ConcurrencyConflict when the entity's version differs; nothing was stored
     * @throws EventTooLarge when an event exceeds the maximum message size; nothing was stored
     * @throws EventStoreUnavailable when the outcome is unknown (retry with the same command id)
     */
    AppendResult append(EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context);

    /**
     * {@link #append} without waiting for the store: the future completes with the same {@link AppendResult} or fails
     * with the same exception ({@link ConcurrencyConflict}, {@link EventTooLarge}, {@link EventStoreUnavailable}, ...)
     * that {@code append} would throw. Same guarantees as {@code append} (all events or none, deduplication by message
     * id). The runtime's {@code EntityHandle.handleAsync} appends through it.
     *
     * <p>What a store cannot do without blocking a thread it runs on {@code blocking}; this default runs the whole
     * {@code append} there. The NATS store publishes a one-event append asynchronously (no thread waits for the
     * acknowledgement) and uses {@code blocking} only for multi-event batches and for the read that tells a re-sent
     * command from a conflict.
     *
     * <pre>{@code
     * store.appendAsync(rx, version, List.of(encoded), CommandContext.withCommandId(key), executor)
     *         .thenAccept(result -> System.out.println("stored at " + result.version()));
     * }</pre>
     *
     * @param blocking runs the parts that block (a failure to accept the task fails the future)
     */
    default CompletableFuture<AppendResult> appendAsync(
            EntityRef entity,
            long expectedVersion,
            List<EncodedEvent> events,
            CommandContext context,
            java.util.concurrent.Executor blocking) {
        try {
            return CompletableFuture.supplyAsync(() -> append(entity, expectedVersion, events, context), blocking);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Appends events to several entities atomically – all of them or none – if every entity in {@code guards} still
     * has the version it was read at: the append of a decision over several entities ({@code MultiDecider}).
     *
     * <p>Guarantees: every event is stored, in the given order, or none is; nothing is stored when any guarded entity
     * (written or only read) has another version, and then {@link ConflictAcrossEntities} is thrown; the event at index
     * {@code i} carries the message id {@code context.messageId(i)}, so a re-sent command stores nothing new and
     * returns the original sequences with {@code duplicate = true}. With one guard this is {@link #append}.
     *
     * <pre>{@code
     * EntityRef rx = EntityRef.of("prescription", "rx-1"), stock = EntityRef.of("inventory", "aspirin");
     * AppendAcrossResult r = store.appendAcross(
     *         List.of(new EntityVersion(rx, 12), new EntityVersion(stock, 17)),
     *         List.of(new EntityEvent(rx, dispensed), new EntityEvent(stock, deducted)),
     *         CommandContext.withCommandId("dispense-1"));
     * }</pre>
     *
     * @param guards every entity the decision read, each with the version it was read at; at least one, none twice
     * @param events one or more events, each to an entity of {@code guards}, in the order they are appended
     * @throws ConflictAcrossEntities when a guarded entity moved on; nothing was stored
     * @throws IllegalArgumentException when the append cannot carry all guards (on NATS: more entities read than
     *     events; see docs/nats-mapping.md), an event goes to an entity not guarded, or an entity is guarded twice
     * @throws EventStoreUnavailable when the outcome is unknown (retry with the same command id)
     * @throws UnsupportedOperationException when this store cannot append across entities
     */
    default AppendAcrossResult appendAcross(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot append across entities");
    }

    /**
     * {@link #appendAcross} without waiting: the same guarantees and outcomes, the failure as the future's (not
     * wrapped). The runtime's {@code MultiEntityHandle} appends through it. What a store cannot do without blocking a
     * thread it runs on {@code blocking}; this default runs the whole append there. A networked store sends its
     * requests asynchronously (on NATS the batch's first message and its commit are asynchronous requests).
     *
     * <pre>{@code
     * store.appendAcrossAsync(guards, events, CommandContext.withCommandId(key), executor)
     *         .thenAccept(result -> log.info("stored at {}", result.sequences()));
     * }</pre>
     */
    default CompletableFuture<AppendAcrossResult> appendAcrossAsync(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        Objects.requireNonNull(blocking, "blocking");
        try {
            return CompletableFuture.supplyAsync(() -> appendAcross(guards, events, context), blocking);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Streams an entity's events inside the range to the sink, in order, without holding them in memory.
     *
     * @throws EventDecodingFailed when a message on the entity's subject is not a readable event
     */
    ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink);

    /** The entity's current version: the sequence of its last event, {@code 0} when it has none. */
    long version(EntityRef entity);

    /**
     * {@link #version} without waiting for it: the runtime asks for the version while it reads a snapshot, so a load
     * from a snapshot costs one round trip instead of two. The future completes with the version or fails with what
     * {@code version} would throw. This default answers on the calling thread; a networked store sends the request
     * and returns at once.
     *
     * <pre>{@code
     * CompletableFuture<Long> head = store.versionAsync(rx);
     * Optional<Snapshot> snapshot = snapshots.load(rx);          // meanwhile
     * long version = head.join();
     * }</pre>
     */
    default CompletableFuture<Long> versionAsync(EntityRef entity) {
        try {
            return CompletableFuture.completedFuture(version(entity));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The identity of the stream (the incarnation of the store) the events live in: it changes when the stream is
     * deleted and created again, so a state derived from the old stream (a snapshot, a cached state) can be told from
     * one derived from the current stream and discarded. On NATS, the stream's creation time as the server reports it
     * (what nats-server's own stream identity is a hash of); re-read at most every few seconds, so a recreation is
     * noticed within that delay. Never empty for a store that can tell; this default ({@code ""}) means the store
     * cannot, and states are then never discarded for it.
     */
    default String streamIdentity() {
        return "";
    }

    /** Reads the events inside the range into a list. Convenient for short histories and tests. */
    default List<RecordedEvent> readAll(EntityRef entity, ReadRange range) {
        List<RecordedEvent> events = new ArrayList<>();
        read(entity, range, events::add);
        return events;
    }
}
