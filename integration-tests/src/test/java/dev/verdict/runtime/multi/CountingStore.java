package dev.verdict.runtime.multi;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** An event store that counts the reads (event reads, by entity) and appends it passes on. */
final class CountingStore implements EventStore {
    private final EventStore delegate;
    private final Map<EntityRef, AtomicLong> reads = new ConcurrentHashMap<>();
    final AtomicLong appendsAcross = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();

    CountingStore(EventStore delegate) {
        this.delegate = delegate;
    }

    long readsOf(EntityRef entity) {
        AtomicLong n = reads.get(entity);
        return n == null ? 0 : n.get();
    }

    void reset() {
        reads.clear();
        appendsAcross.set(0);
        conflicts.set(0);
    }

    @Override
    public StoreName name() {
        return delegate.name();
    }

    @Override
    public AppendResult append(EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext ctx) {
        return delegate.append(entity, expectedVersion, events, ctx);
    }

    @Override
    public AppendAcrossResult appendAcross(List<EntityVersion> guards, List<EntityEvent> events, CommandContext ctx) {
        appendsAcross.incrementAndGet();
        try {
            return delegate.appendAcross(guards, events, ctx);
        } catch (dev.verdict.store.ConflictAcrossEntities e) {
            conflicts.incrementAndGet();
            throw e;
        }
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        reads.computeIfAbsent(entity, e -> new AtomicLong()).incrementAndGet();
        return delegate.read(entity, range, sink);
    }

    @Override
    public long version(EntityRef entity) {
        return delegate.version(entity);
    }

    @Override
    public CompletableFuture<Long> versionAsync(EntityRef entity) {
        return delegate.versionAsync(entity);
    }

    @Override
    public String streamIdentity() {
        return delegate.streamIdentity();
    }
}
