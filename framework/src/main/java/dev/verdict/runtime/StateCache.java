package dev.verdict.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.verdict.store.EntityRef;
import java.util.Optional;

/**
 * The runtime's memory of (state, version) per entity, bounded by entity count (Caffeine, W-TinyLFU eviction). A
 * cached state is only ever replaced by one of a higher or equal version, so a slow reader can never put an older
 * state over a newer one. A stale entry (another process appended) is harmless: the next append conflicts and the
 * runtime catches up the missed tail.
 */
final class StateCache {
    private final Cache<EntityRef, KnownState<?>> cache;

    private StateCache(Cache<EntityRef, KnownState<?>> cache) {
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
        return Optional.ofNullable((KnownState<S>) cache.getIfPresent(entity));
    }

    void remember(EntityRef entity, KnownState<?> state) {
        if (cache != null) {
            cache.asMap().merge(entity, state, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
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
}
