package dev.verdict.testing.store;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.internal.AppendArguments;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An {@link EventStore} in memory, with the semantics of the NATS store, for tests of code that uses a store
 * (runtimes, projections, process managers) without a server.
 *
 * <p>Guarantees, identical to the JetStream store:
 *
 * <ul>
 *   <li>one global sequence across all entities, like a stream: the first event gets sequence 1, and an entity's
 *       version is the sequence of its last event ({@code 0} when it has none), so versions of one entity grow
 *       strictly but not contiguously;
 *   <li>per-entity optimistic concurrency: an append whose expected version differs from the entity's version
 *       throws {@link ConcurrencyConflict} carrying the actual version, and stores nothing;
 *   <li>all-or-nothing appends: every event of one call is stored, with consecutive sequences, or none is;
 *   <li>deduplication before the concurrency check, by message id {@code context.messageId(i)} inside the
 *       duplicate window (two minutes by default, like a stream's default): a repeated append returns the
 *       original sequences with {@code duplicate = true} and stores nothing, even if its expected version is stale;
 *   <li>{@link #read} delivers exactly the entity's events inside the {@link ReadRange} (after a version, up to a
 *       sequence, stored at or before {@code asOf} by the store's clock), in order;
 *   <li>an event whose payload exceeds the maximum size (1 MiB by default) is refused with {@link EventTooLarge}.
 * </ul>
 *
 * <p>For tests it counts reads ({@link #readCalls()}, {@link #eventsRead()}) so a test can prove that only a tail
 * was read, lets a test inject a concurrent write just before the next append to an entity ({@link
 * #beforeNextAppend}), and can lose the acknowledgement of an append ({@link #loseNextAcknowledgement}) the way a
 * disconnect does. It is thread-safe; sinks are called without holding the store's lock, so a sink may append.
 *
 * <pre>{@code
 * InMemoryEventStore store = InMemoryEventStore.create();
 * EntityRef rx = EntityRef.of("prescription", "rx-42");
 * store.append(rx, 0, List.of(ordered), CommandContext.create());          // sequence 1
 *
 * // a rival writer appends between the runtime's read and its append:
 * store.beforeNextAppend(rx, () -> store.append(rx, 1, List.of(cancelled), CommandContext.create()));
 * store.append(rx, 1, List.of(verified), CommandContext.create());         // ConcurrencyConflict, actual 2
 * }</pre>
 */
public final class InMemoryEventStore implements EventStore {
    /** The default maximum payload size of one event: NATS' default maximum message size. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

    /** The default duplicate window: the one a JetStream stream has unless configured otherwise. */
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

    private final StoreName name;
    private final String identity = "in-memory-" + UUID.randomUUID();
    private final InMemoryEventFeeds feeds = new InMemoryEventFeeds(this);
    private final int maxEventBytes;
    private final InMemoryStream stream;

    private final Map<EntityRef, Deque<Runnable>> beforeAppend = new ConcurrentHashMap<>();
    private final Map<EntityRef, Integer> acknowledgementsToLose = new ConcurrentHashMap<>();

    private final AtomicLong readCalls = new AtomicLong();
    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong appendCalls = new AtomicLong();
    private final AtomicLong versionCalls = new AtomicLong();

    private InMemoryEventStore(Builder builder) {
        this.name = builder.name;
        this.maxEventBytes = builder.maxEventBytes;
        this.stream = new InMemoryStream(builder.clock, builder.duplicateWindow);
    }

    /** A store named {@code memory} on the system clock, with the default window and size limit. */
    public static InMemoryEventStore create() {
        return builder().build();
    }

    /** A store with the given name, otherwise like {@link #create()}. */
    public static InMemoryEventStore named(String name) {
        return builder().name(StoreName.of(name)).build();
    }

    /**
     * Configures a store.
     *
     * <pre>{@code
     * MutableClock clock = ...;
     * InMemoryEventStore store = InMemoryEventStore.builder()
     *         .name(StoreName.of("pharmacy"))
     *         .clock(clock)
     *         .duplicateWindow(Duration.ofSeconds(30))
     *         .build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public StoreName name() {
        return name;
    }

    @Override
    public AppendResult append(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        AppendArguments.require(entity, expectedVersion, events, context);
        for (EncodedEvent event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            if (event.payload().length > maxEventBytes) {
                throw new EventTooLarge("event " + event.type() + " of " + entity + " has " + event.payload().length
                        + " bytes; the maximum is " + maxEventBytes);
            }
        }
        appendCalls.incrementAndGet();
        runConcurrentWrite(entity);

        AppendResult result = stream.append(entity, expectedVersion, events, context);
        if (loseAcknowledgement(entity)) {
            throw new EventStoreUnavailable(
                    "acknowledgement of the append to " + entity + " was lost (injected by the test); the events "
                            + result.sequences() + " are stored",
                    new java.util.concurrent.TimeoutException("no acknowledgement"));
        }
        return result;
    }

    /**
     * Appends to several entities atomically, if every guarded entity still has its version – with the NATS store's
     * rules: one guard per event at most (more entities than events is refused before anything is stored), every event
     * to a guarded entity, message ids {@code <commandId>:<index>} deduplicated before the guards are checked. A
     * concurrent write registered with {@link #beforeNextAppend} for any guarded entity runs first; a lost
     * acknowledgement registered for any written entity is simulated after storing.
     */
    @Override
    public AppendAcrossResult appendAcross(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        Objects.requireNonNull(guards, "guards");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(context, "context");
        Map<EntityRef, Long> versions = new LinkedHashMap<>();
        for (EntityVersion guard : guards) {
            if (versions.put(Objects.requireNonNull(guard, "guard").entity(), guard.version()) != null) {
                throw new IllegalArgumentException(guard.entity() + " is guarded twice");
            }
        }
        if (versions.isEmpty() || events.isEmpty()) {
            throw new IllegalArgumentException("an append across entities guards at least one entity and appends at"
                    + " least one event; decide nothing means write nothing");
        }
        for (EntityEvent event : events) {
            if (!versions.containsKey(Objects.requireNonNull(event, "event").entity())) {
                throw new IllegalArgumentException(
                        "an event goes to " + event.entity() + ", which is not guarded (" + versions.keySet() + ")");
            }
            if (event.event().payload().length > maxEventBytes) {
                throw new EventTooLarge("event " + event.event().type() + " of " + event.entity() + " has "
                        + event.event().payload().length + " bytes; the maximum is " + maxEventBytes);
            }
        }
        if (versions.size() > 1 && versions.size() > events.size()) {
            throw new IllegalArgumentException("a decision that reads " + versions.size() + " entities and appends "
                    + events.size() + " events cannot guard them all: an atomic batch of n events guards at most n"
                    + " entities; nothing was stored");
        }
        appendCalls.incrementAndGet();
        for (EntityRef entity : versions.keySet()) {
            runConcurrentWrite(entity);
        }
        AppendAcrossResult result = stream.appendAcross(guards, versions, events, context);
        for (EntityEvent event : events) {
            if (loseAcknowledgement(event.entity())) {
                throw new EventStoreUnavailable(
                        "acknowledgement of the append across " + versions.keySet()
                                + " was lost (injected by the test); the events " + result.sequences() + " are stored",
                        new java.util.concurrent.TimeoutException("no acknowledgement"));
            }
        }
        return result;
    }

    private void runConcurrentWrite(EntityRef entity) {
        Deque<Runnable> hooks = beforeAppend.get(entity);
        if (hooks == null) {
            return;
        }
        Runnable hook;
        synchronized (hooks) {
            hook = hooks.pollFirst();
        }
        if (hook != null) {
            hook.run();
        }
    }

    private boolean loseAcknowledgement(EntityRef entity) {
        boolean[] lose = {false};
        acknowledgementsToLose.computeIfPresent(entity, (e, n) -> {
            lose[0] = true;
            return n > 1 ? n - 1 : null;
        });
        return lose[0];
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(sink, "sink");
        readCalls.incrementAndGet();
        List<RecordedEvent> selected = stream.select(entity, range);
        long last = range.afterVersion();
        for (RecordedEvent event : selected) {
            sink.accept(withOwnPayload(event));
            eventsRead.incrementAndGet();
            last = event.sequence();
        }
        return new ReadResult(selected.size(), last);
    }

    private static RecordedEvent withOwnPayload(RecordedEvent e) {
        return new RecordedEvent(
                e.entity(),
                e.sequence(),
                e.storedAt(),
                e.eventId(),
                e.time(),
                InMemoryStream.copy(e.event()),
                e.commandId(),
                e.correlationId(),
                e.causationId(),
                e.metadata());
    }

    @Override
    public long version(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        versionCalls.incrementAndGet();
        return stream.version(entity);
    }

    /**
     * Runs {@code write} once, just before the next append to {@code entity} checks its expected version – the
     * moment a rival writer would slip in. Typically the write appends to the same entity, so the append that
     * follows meets a {@link ConcurrencyConflict}. Several registrations run on successive appends, one each. The
     * write runs on the appending thread without the store's lock, so it may call the store.
     */
    public void beforeNextAppend(EntityRef entity, Runnable write) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(write, "write");
        Deque<Runnable> hooks = beforeAppend.computeIfAbsent(entity, e -> new ArrayDeque<>());
        synchronized (hooks) {
            hooks.addLast(write);
        }
    }

    /**
     * Makes the next append to {@code entity} store its events and then throw {@link EventStoreUnavailable}, as a
     * publish does whose acknowledgement was lost in a disconnect. Retrying with the same command id then returns
     * the original sequences with {@code duplicate = true}.
     */
    public void loseNextAcknowledgement(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        acknowledgementsToLose.merge(entity, 1, Integer::sum);
    }

    /** How many times {@link #read} (or {@link #readAll}) was called since creation or {@link #resetCounters()}. */
    public long readCalls() {
        return readCalls.get();
    }

    /** How many events {@link #read} delivered to sinks since creation or {@link #resetCounters()}. */
    public long eventsRead() {
        return eventsRead.get();
    }

    /** How many appends were attempted (including conflicts and duplicates, excluding invalid arguments). */
    public long appendCalls() {
        return appendCalls.get();
    }

    /** How many times {@link #version} was called. */
    public long versionCalls() {
        return versionCalls.get();
    }

    /** Sets all counters to zero, e.g. after arranging a test's history. */
    public void resetCounters() {
        readCalls.set(0);
        eventsRead.set(0);
        appendCalls.set(0);
        versionCalls.set(0);
    }

    /**
     * The read-side port of this store, for projection runners without a server: {@code ProjectionRunner.builder(
     * store.feeds(), filter, codec, projection)}. One instance per store, so runners built on it share its shared
     * feeds the way instances share a durable consumer (one pinned runner served at a time, unacknowledged
     * deliveries redelivered after the ack wait); see {@link InMemoryEventFeeds}.
     */
    public EventFeeds feeds() {
        return feeds;
    }

    /** The identity of this store's stream: fixed for the store's life. */
    String identity() {
        return identity;
    }

    /** The sequence of the last event in the store (of any entity), {@code 0} when empty. */
    public long lastSequence() {
        return stream.lastSequence();
    }

    /** Every event of every entity, in stream order: what a projection reading the whole store would see. */
    public List<RecordedEvent> allEvents() {
        return stream.all();
    }

    /** The entities that have at least one event, in order of their first event. */
    public List<EntityRef> entities() {
        return stream.entities();
    }

    @Override
    public String toString() {
        return "InMemoryEventStore[" + name + ", " + lastSequence() + " events]";
    }

    /** Configuration of an {@link InMemoryEventStore}; every setting has a default. */
    public static final class Builder {
        private StoreName name = StoreName.of("memory");
        private Clock clock = Clock.systemUTC();
        private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

        private Builder() {}

        /** The store's name; {@code memory} by default. */
        public Builder name(StoreName name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The clock that stamps {@code storedAt} and {@code time} and runs the duplicate window. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a message id is remembered for deduplication; two minutes by default. */
        public Builder duplicateWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("duplicate window must not be negative, was " + window);
            }
            this.duplicateWindow = window;
            return this;
        }

        /** The largest payload of one event in bytes; 1 MiB by default. */
        public Builder maxEventBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxEventBytes must be >= 1, was " + bytes);
            }
            this.maxEventBytes = bytes;
            return this;
        }

        public InMemoryEventStore build() {
            return new InMemoryEventStore(this);
        }
    }
}
