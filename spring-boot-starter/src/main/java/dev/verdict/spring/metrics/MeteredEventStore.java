package dev.verdict.spring.metrics;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An {@link EventStore} that records every call to the store it wraps in Micrometer meters, then returns or throws
 * exactly what the store did (same results, same exceptions, {@code appendAsync} and {@code versionAsync} still
 * asynchronous, {@code appendAcross} and {@code appendAcrossAsync} as the wrapped store does them). Tag {@code
 * store} = the store's name:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code verdict.store.append}</td><td>timer: {@code append}, {@code appendAsync} (to its completion) and
 *       {@code appendAcross}</td><td>{@code result} = ok, duplicate, conflict, too_large, unavailable, failed</td></tr>
 *   <tr><td>{@code verdict.store.append.events}</td><td>distribution summary: events per stored append</td><td>–</td></tr>
 *   <tr><td>{@code verdict.store.read}</td><td>timer</td><td>{@code result} = ok, failed</td></tr>
 *   <tr><td>{@code verdict.store.read.events}</td><td>distribution summary: events per read</td><td>–</td></tr>
 *   <tr><td>{@code verdict.store.version}</td><td>timer (also {@code versionAsync})</td><td>{@code result} = ok, failed</td></tr>
 * </table>
 *
 * <pre>{@code
 * EventStore metered = new MeteredEventStore(NatsEventStore.create(nc, config), meterRegistry);
 * CommandRuntime runtime = CommandRuntime.builder(metered).build();
 * }</pre>
 */
public final class MeteredEventStore implements EventStore {
    private final EventStore delegate;
    private final MeterRegistry registry;
    private final String store;
    private final DistributionSummary appendEvents;
    private final DistributionSummary readEvents;

    /** Meters the store's calls in the registry. */
    public MeteredEventStore(EventStore delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = delegate.name().value();
        this.appendEvents = DistributionSummary.builder("verdict.store.append.events")
                .description("events per stored append")
                .baseUnit("events")
                .tag("store", store)
                .register(registry);
        this.readEvents = DistributionSummary.builder("verdict.store.read.events")
                .description("events per read")
                .baseUnit("events")
                .tag("store", store)
                .register(registry);
    }

    /** The wrapped store. */
    public EventStore delegate() {
        return delegate;
    }

    @Override
    public StoreName name() {
        return delegate.name();
    }

    @Override
    public AppendResult append(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        long start = System.nanoTime();
        AppendResult appended;
        try {
            appended = delegate.append(entity, expectedVersion, events, context);
        } catch (RuntimeException | Error e) {
            recordAppend(start, -1, false, e);
            throw e;
        }
        recordAppend(start, appended.sequences().size(), appended.duplicate(), null);
        return appended;
    }

    /** The wrapped store's asynchronous atomic append across entities, metered as an append (to its completion). */
    @Override
    public CompletableFuture<AppendAcrossResult> appendAcrossAsync(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        long start = System.nanoTime();
        CompletableFuture<AppendAcrossResult> appended;
        try {
            appended = delegate.appendAcrossAsync(guards, events, context, blocking);
        } catch (RuntimeException | Error e) {
            recordAppend(start, -1, false, e);
            throw e;
        }
        return appended.whenComplete((result, failure) -> recordAppend(
                start, result == null ? -1 : result.sequences().size(), result != null && result.duplicate(), failure));
    }

    /** The wrapped store's asynchronous append (still asynchronous), metered when it completes. */
    @Override
    public CompletableFuture<AppendResult> appendAsync(
            EntityRef entity,
            long expectedVersion,
            List<EncodedEvent> events,
            CommandContext context,
            Executor blocking) {
        long start = System.nanoTime();
        CompletableFuture<AppendResult> appended;
        try {
            appended = delegate.appendAsync(entity, expectedVersion, events, context, blocking);
        } catch (RuntimeException | Error e) {
            recordAppend(start, -1, false, e);
            throw e;
        }
        return appended.whenComplete((result, failure) -> recordAppend(
                start, result == null ? -1 : result.sequences().size(), result != null && result.duplicate(), failure));
    }

    /** The wrapped store's atomic append across entities, metered as an append. */
    @Override
    public AppendAcrossResult appendAcross(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        long start = System.nanoTime();
        AppendAcrossResult appended;
        try {
            appended = delegate.appendAcross(guards, events, context);
        } catch (RuntimeException | Error e) {
            recordAppend(start, -1, false, e);
            throw e;
        }
        recordAppend(start, appended.sequences().size(), appended.duplicate(), null);
        return appended;
    }

    /** One append's timer (tag {@code result}) and, when it stored events, their number. */
    private void recordAppend(long start, int stored, boolean duplicate, Throwable failure) {
        String result;
        if (failure != null) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            result = cause instanceof ConcurrencyConflict || cause instanceof ConflictAcrossEntities
                    ? "conflict"
                    : cause instanceof EventTooLarge
                            ? "too_large"
                            : cause instanceof EventStoreUnavailable ? "unavailable" : "failed";
        } else if (duplicate) {
            result = "duplicate";
        } else {
            result = "ok";
            appendEvents.record(stored);
        }
        timer("verdict.store.append", "appends to the stream", result)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        long start = System.nanoTime();
        String result = "failed";
        try {
            ReadResult read = delegate.read(entity, range, sink);
            result = "ok";
            readEvents.record(read.eventsRead());
            return read;
        } finally {
            timer("verdict.store.read", "reads of an entity's events", result)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public long version(EntityRef entity) {
        long start = System.nanoTime();
        String result = "failed";
        try {
            long version = delegate.version(entity);
            result = "ok";
            return version;
        } finally {
            timer("verdict.store.version", "reads of an entity's version", result)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public CompletableFuture<Long> versionAsync(EntityRef entity) {
        long start = System.nanoTime();
        CompletableFuture<Long> version;
        try {
            version = delegate.versionAsync(entity);
        } catch (RuntimeException e) {
            timer("verdict.store.version", "reads of an entity's version", "failed")
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
        return version.whenComplete((v, error) -> timer(
                        "verdict.store.version", "reads of an entity's version", error == null ? "ok" : "failed")
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    @Override
    public String streamIdentity() {
        return delegate.streamIdentity();
    }

    private Timer timer(String name, String description, String result) {
        return Timer.builder(name)
                .description(description)
                .tag("store", store)
                .tag("result", result)
                .register(registry);
    }

    @Override
    public String toString() {
        return "Metered[" + delegate + "]";
    }
}
