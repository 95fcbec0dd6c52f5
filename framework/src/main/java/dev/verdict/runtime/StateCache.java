package dev.verdict.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.verdict.store.EntityRef;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The runtime's memory of (state, version) per entity, bounded by entity count (Caffeine, W-TinyLFU eviction). A
 * cached state is only ever replaced by one of a higher or equal version, so a slow reader can never put an older
 * state over a newer one. A stale entry (another process appended) is harmless: the next append conflicts and the
 * runtime catches up the missed tail.
 *
 * <p>Each entity has a slot that holds its latest known state; replacing the state is a compare-and-set on the slot,
 * not a write to the cache, so a command on a cached entity costs the cache one read. If the slot is evicted while a
 * command updates it, the update only lands in the evicted slot: the next command loads the entity again.
 */
final class StateCache {
    private static final Function<EntityRef, Slot> NEW_SLOT = entity -> new Slot();

    private final Cache<EntityRef, Slot> cache;

    private StateCache(Cache<EntityRef, Slot> cache) {
        this.cache = cache;
    }

    static StateCache bounded(long maxEntities) {
        return new StateCache(Caffeine.newBuilder().maximumSize(maxEntities).build());
    }

    static StateCache disabled() {
        return new StateCache(null);
    }

    boolean enabled() {
        return cache != null;
    }

    @SuppressWarnings("unchecked") // one category (part of the key) is served by one registration, hence one S
    <S> Optional<KnownState<S>> get(EntityRef entity) {
        if (cache == null) {
            return Optional.empty();
        }
        Slot slot = cache.getIfPresent(entity);
        return slot == null ? Optional.empty() : Optional.ofNullable((KnownState<S>) slot.get());
    }

    void remember(EntityRef entity, KnownState<?> state) {
        if (cache != null) {
            cache.get(entity, NEW_SLOT).offer(state);
        }
    }

    void forget(EntityRef entity) {
        if (cache != null) {
            cache.invalidate(entity);
        }
    }

    long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** The latest known state of one entity; empty until the first {@link #offer}. */
    private static final class Slot extends AtomicReference<KnownState<?>> {
        private static final long serialVersionUID = 1L;

        /** Keeps {@code state} unless the slot already holds a higher version. */
        void offer(KnownState<?> state) {
            KnownState<?> current = get();
            while (current == null || state.version() >= current.version()) {
                if (compareAndSet(current, state)) {
                    return;
                }
                current = get();
            }
        }
    }
}
