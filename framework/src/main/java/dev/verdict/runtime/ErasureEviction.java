package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.personal.DataKeys;
import dev.verdict.store.personal.ErasureAware;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Drops the cached states of a category whose codecs decrypt personal data ({@link ErasureAware}) when a data subject
 * is erased – on this instance or, through the key store's watch, on another one – so that no instance goes on
 * answering from a state decrypted before the erasure. The whole category is dropped (a state does not tell whose
 * data it holds; erasures are rare): its entities load again from snapshots and events, decrypting with the keys
 * left. A second pass {@link #SECOND_PASS} later drops a state that a load was decrypting, with the key not yet
 * dropped, at the moment of the first pass.
 */
final class ErasureEviction implements AutoCloseable {
    static final Duration SECOND_PASS = Duration.ofSeconds(5);

    private final StateCache cache;
    private final List<DataKeys.Listening> listenings = new CopyOnWriteArrayList<>();

    ErasureEviction(StateCache cache) {
        this.cache = cache;
    }

    /** Listens to the erasures of the registration's codecs, if they decrypt personal data. */
    void watch(Registration<?, ?, ?> registration) {
        if (!cache.enabled()) {
            return;
        }
        Optional<ErasureAware> aware = registration.eventCodec() instanceof ErasureAware a
                ? Optional.of(a)
                : registration
                        .stateCodec()
                        .filter(ErasureAware.class::isInstance)
                        .map(ErasureAware.class::cast);
        Category category = registration.category();
        aware.ifPresent(a -> listenings.add(a.onErasure(subject -> {
            cache.forget(category);
            CompletableFuture.delayedExecutor(SECOND_PASS.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> cache.forget(category));
        })));
    }

    @Override
    public void close() {
        listenings.forEach(DataKeys.Listening::close);
        listenings.clear();
    }
}
