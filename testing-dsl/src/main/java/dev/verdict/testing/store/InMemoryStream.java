package dev.verdict.testing.store;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The stream of an {@link InMemoryEventStore}: one global sequence across all entities, each entity's events in
 * order, and the store's write rules under one lock – deduplication by message id inside the duplicate window first,
 * then the optimistic concurrency check, then all events of one call stored on consecutive sequences. Arguments are
 * validated by the store before they get here; events are stored as copies of the caller's payloads.
 */
final class InMemoryStream {
    private final Clock clock;
    private final Duration duplicateWindow;

    private final Object lock = new Object();
    private final List<RecordedEvent> stream = new ArrayList<>();
    private final Map<EntityRef, List<RecordedEvent>> entities = new LinkedHashMap<>();
    private final Map<String, StoredAppend> appendsByMessageId = new HashMap<>();

    /** The sequences one append stored, when, and to which entities (a command id is one command's, on them). */
    private record StoredAppend(List<Long> sequences, Instant storedAt, Set<EntityRef> entities) {}

    InMemoryStream(Clock clock, Duration duplicateWindow) {
        this.clock = clock;
        this.duplicateWindow = duplicateWindow;
    }

    /**
     * The original sequences with {@code duplicate = true} when a message id of the call was stored inside the window;
     * else the events stored when the entity's version is {@code expectedVersion}.
     *
     * @throws ConcurrencyConflict when it is not, with the actual version; nothing is stored
     */
    AppendResult append(EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        synchronized (lock) {
            Instant now = clock.instant();
            StoredAppend original = findDuplicate(context, events.size(), now, Set.of(entity));
            if (original != null) {
                return new AppendResult(entity, original.sequences(), true);
            }
            long actual = currentVersion(entity);
            if (actual != expectedVersion) {
                throw new ConcurrencyConflict(entity, expectedVersion, OptionalLong.of(actual));
            }
            return store(entity, events, context, now);
        }
    }

    /**
     * As {@link #append}, over several entities: the original sequences of a duplicate, else the events stored when
     * every entity of {@code versions} (the guards, in order) still has its version.
     *
     * @throws ConflictAcrossEntities when one has not, with the first differing actual version; nothing is stored
     */
    AppendAcrossResult appendAcross(
            List<EntityVersion> guards,
            Map<EntityRef, Long> versions,
            List<EntityEvent> events,
            CommandContext context) {
        synchronized (lock) {
            Instant now = clock.instant();
            StoredAppend original = findDuplicate(context, events.size(), now, versions.keySet());
            if (original != null) {
                return new AppendAcrossResult(events, original.sequences(), true);
            }
            for (Map.Entry<EntityRef, Long> guard : versions.entrySet()) {
                long actual = currentVersion(guard.getKey());
                if (actual != guard.getValue()) {
                    throw new ConflictAcrossEntities(guards, OptionalLong.of(actual));
                }
            }
            List<Long> sequences = new ArrayList<>(events.size());
            for (EntityEvent event : events) {
                sequences.add(store(event.entity(), List.of(event.event()), context, now)
                        .sequences()
                        .get(0));
            }
            StoredAppend stored = new StoredAppend(List.copyOf(sequences), now, Set.copyOf(versions.keySet()));
            for (int i = 0; i < events.size(); i++) {
                appendsByMessageId.put(context.messageId(i), stored);
            }
            return new AppendAcrossResult(events, sequences, false);
        }
    }

    /** The entity's events inside the range, in order (as stored: the caller copies what it hands out). */
    List<RecordedEvent> select(EntityRef entity, ReadRange range) {
        List<RecordedEvent> selected = new ArrayList<>();
        if (range.isEmpty()) {
            return selected;
        }
        synchronized (lock) {
            for (RecordedEvent event : entities.getOrDefault(entity, List.of())) {
                if (event.sequence() > range.upToSequence()) {
                    break;
                }
                if (range.admits(event.sequence(), event.storedAt())) {
                    selected.add(event);
                }
            }
        }
        return selected;
    }

    /** The sequence of the entity's last event, {@code 0} when it has none. */
    long version(EntityRef entity) {
        synchronized (lock) {
            return currentVersion(entity);
        }
    }

    /** The sequence of the last event (of any entity), {@code 0} when empty. */
    long lastSequence() {
        synchronized (lock) {
            return stream.size();
        }
    }

    /** Every event, in stream order. */
    List<RecordedEvent> all() {
        synchronized (lock) {
            return List.copyOf(stream);
        }
    }

    /** The entities that have at least one event, in order of their first event. */
    List<EntityRef> entities() {
        synchronized (lock) {
            return List.copyOf(entities.keySet());
        }
    }

    /** A copy of the event with a payload of its own: a caller's later change to an array must not rewrite history. */
    static EncodedEvent copy(EncodedEvent event) {
        return new EncodedEvent(
                event.type(), event.schemaVersion(), event.payload().clone());
    }

    /**
     * The earlier append of this command inside the duplicate window, or null. A command id used before for other
     * entities is refused as the NATS store refuses it: never reported as a success that stored nothing.
     */
    private StoredAppend findDuplicate(CommandContext context, int size, Instant now, Set<EntityRef> appendingTo) {
        for (int i = 0; i < size; i++) {
            StoredAppend original = appendsByMessageId.get(context.messageId(i));
            if (original != null && !now.isAfter(original.storedAt().plus(duplicateWindow))) {
                if (Collections.disjoint(original.entities(), appendingTo)) {
                    throw new EventStoreException("the append to " + appendingTo + " is a duplicate of command '"
                            + context.commandId() + "', whose events are on " + original.entities()
                            + ": was the command id reused for another entity?");
                }
                return original;
            }
        }
        return null;
    }

    private AppendResult store(EntityRef entity, List<EncodedEvent> events, CommandContext context, Instant now) {
        List<RecordedEvent> sequence = entities.computeIfAbsent(entity, e -> new ArrayList<>());
        List<Long> sequences = new ArrayList<>(events.size());
        for (EncodedEvent event : events) {
            long seq = stream.size() + 1L;
            RecordedEvent recorded = new RecordedEvent(
                    entity,
                    seq,
                    now,
                    UUID.randomUUID().toString(),
                    now,
                    copy(event),
                    context.commandId(),
                    context.correlationId(),
                    context.causationId(),
                    context.metadata());
            stream.add(recorded);
            sequence.add(recorded);
            sequences.add(seq);
        }
        StoredAppend stored = new StoredAppend(List.copyOf(sequences), now, Set.of(entity));
        for (int i = 0; i < events.size(); i++) {
            appendsByMessageId.put(context.messageId(i), stored);
        }
        return new AppendResult(entity, sequences, false);
    }

    private long currentVersion(EntityRef entity) {
        List<RecordedEvent> events = entities.get(entity);
        return events == null || events.isEmpty()
                ? 0
                : events.get(events.size() - 1).sequence();
    }
}
