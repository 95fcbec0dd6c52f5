package dev.verdict.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's memory of (state, version) per entity, bounded by entity count (Caffeine, W-TinyLFU eviction). A
 * cached state is only ever replaced by one of a higher or equal version, so a slow reader can never put an older
 * state over a newer one. A stale entry (another process appended) is harmless: the next append conflicts and the
 * runtime catches up the missed tail.
 *
 * <p>Each entity has a slot that holds its latest known state; replacing the state is a compare-and-set on the slot,
 * not a write to the cache, so a command on a cached entity costs the cache one read. If the slot is evicted while a
 * command updates it, the update only lands in the evicted slot: the next command loads the entity again.
 *
 * <p>The cache is bound to the stream's identity: a state derived from another incarnation of the stream (deleted and
 * recreated since) is never returned – it is dropped with a warning, and the entity is loaded from the new stream.
 */
final class StateCache {
    private static final Logger LOG = LoggerFactory.getLogger(StateCache.class);
    private static final Function<EntityRef, Slot> NEW_SLOT = entity -> new Slot();

    private final Cache<EntityRef, Slot> cache;
    private final Supplier<String> streamIdentity;
    private volatile String warnedAbout = "";

    private StateCache(Cache<EntityRef, Slot> cache, Supplier<String> streamIdentity) {
        this.cache = cache;
        this.streamIdentity = streamIdentity;
    }

    /** A cache of at most {@code maxEntities} states of the stream whose current identity {@code streamIdentity} tells. */
    static StateCache bounded(long maxEntities, Supplier<String> streamIdentity) {
        return new StateCache(
                Caffeine.newBuilder()
                        .maximumSize(maxEntities)
                        // maintenance (eviction) on the thread that adds an entity: handing it to the common pool woke
                        // a thread for every new entity, on the command's path
                        .executor(Runnable::run)
                        .build(),
                streamIdentity);
    }

    static StateCache disabled() {
        return new StateCache(null, () -> "");
    }

    boolean enabled() {
        return cache != null;
    }

    <S> Optional<KnownState<S>> get(EntityRef entity) {
        return known(entity, slot(entity));
    }

    /** The entity's slot, or null when it is not cached (or the cache is off). */
    Slot slot(EntityRef entity) {
        return cache == null ? null : cache.getIfPresent(entity);
    }

    /** What {@link #get} returns, from a slot {@link #slot} returned for the entity. */
    @SuppressWarnings("unchecked") // one category (part of the key) is served by one registration, hence one S
    <S> Optional<KnownState<S>> known(EntityRef entity, Slot slot) {
        if (cache == null) {
            return Optional.empty();
        }
        KnownState<S> known = slot == null ? null : (KnownState<S>) slot.get();
        if (known == null) {
            return Optional.empty();
        }
        String current = streamIdentity.get();
        if (!known.streamIdentity().equals(current)) {
            if (!current.equals(warnedAbout)) {
                warnedAbout = current;
                LOG.warn(
                        "the stream was recreated (identity {}, cached states have {}): cached states are dropped"
                                + " and entities loaded again",
                        current,
                        known.streamIdentity());
            }
            cache.asMap().remove(entity, slot);
            return Optional.empty();
        }
        return Optional.of(known);
    }

    void remember(EntityRef entity, KnownState<?> state) {
        if (cache != null) {
            cache.get(entity, NEW_SLOT).offer(state);
        }
    }

    /**
     * {@link #remember}, into {@code slot} when the command started from it (no second lookup; if the slot was evicted
     * meanwhile, the state lands in the evicted slot and the next command loads the entity again), else looked up.
     */
    void remember(EntityRef entity, Slot slot, KnownState<?> state) {
        if (slot != null) {
            slot.offer(state);
        } else {
            remember(entity, state);
        }
    }

    void forget(EntityRef entity) {
        if (cache != null) {
            cache.invalidate(entity);
        }
    }

    /** Drops every cached state of the category (a data subject of it was erased). */
    void forget(Category category) {
        if (cache != null) {
            cache.asMap().keySet().removeIf(entity -> entity.category().equals(category));
        }
    }

    long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** The latest known state of one entity; empty until the first {@link #offer}. */
    static final class Slot extends AtomicReference<KnownState<?>> {
        private static final long serialVersionUID = 1L;

        /**
         * Keeps {@code state} unless the slot already holds a higher version of the same stream (versions of another
         * incarnation of the stream do not compare; a stale one is dropped by {@link StateCache#get}).
         */
        void offer(KnownState<?> state) {
            KnownState<?> current = get();
            while (current == null
                    || !state.streamIdentity().equals(current.streamIdentity())
                    || state.version() >= current.version()) {
                if (compareAndSet(current, state)) {
                    return;
                }
                current = get();
            }
        }
    }
}
