package dev.verdict.store.nats;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.verdict.store.personal.DataKeys;
import dev.verdict.store.personal.internal.ErasureListeners;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unwrapped keys of {@link NatsDataKeys} in memory, and the watch that drops a key the moment its subject is erased
 * elsewhere.
 *
 * <p>The bound: an entry expires {@code cacheFor} after it was written, i.e. after the bucket returned the key, so no
 * key is used longer than that after the bucket last returned it – whatever the watch does. A key in use is read again
 * in the background once three quarters of {@code cacheFor} have passed (Caffeine's refresh after write, which only
 * refreshes an entry that is read after that time: a key nobody uses is not read again, it expires), so a busy
 * subject's commands do not wait on the bucket. A re-read that finds the same revision keeps the key object – and with
 * it the key's cipher ({@link dev.verdict.store.personal.internal.DataKey}) – and only renews the write time; another
 * revision (an erasure, a re-wrap) is read anew. How often keys are re-read does not change the bound: the expiry does.
 */
final class NatsDataKeysCache {
    private static final Logger LOG = LoggerFactory.getLogger(NatsDataKeysCache.class);

    /** Background re-reads of keys in use; one daemon thread for every bucket in the JVM. */
    private static final Executor REFRESHES = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verdict-data-key-refresh");
        t.setDaemon(true);
        return t;
    });

    /** The bucket's answer: the key, or empty once erased, and the revision of the KV entry it came from. */
    record Held(Optional<SecretKey> key, long revision) {}

    private final NatsDataKeysBucket bucket;
    private final LoadingCache<String, Held> cache;
    private final ErasureListeners listeners = new ErasureListeners();
    private volatile NatsKeyValueWatchSubscription watch;

    NatsDataKeysCache(NatsDataKeysBucket bucket, Duration cacheFor) {
        this.bucket = bucket;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(cacheFor)
                .refreshAfterWrite(cacheFor.multipliedBy(3).dividedBy(4))
                .executor(REFRESHES)
                .maximumSize(100_000)
                .build(new CacheLoader<String, Held>() {
                    @Override
                    public Held load(String subject) throws IOException, JetStreamApiException {
                        KeyValueEntry entry = bucket.kv.get(NatsDataKeysBucket.kvKey(subject));
                        return entry == null ? null : held(subject, entry); // null: no key, no mapping
                    }

                    @Override
                    public Held reload(String subject, Held old) throws IOException, JetStreamApiException {
                        KeyValueEntry entry = bucket.kv.get(NatsDataKeysBucket.kvKey(subject));
                        if (entry != null && entry.getRevision() == old.revision()) {
                            return new Held(old.key(), entry.getRevision()); // unchanged: same key object
                        }
                        return entry == null ? null : held(subject, entry);
                    }
                });
    }

    /** What the bucket answered for the subject within the bound, or {@code null} when nothing is cached. */
    Held cached(String subject) {
        return cache.getIfPresent(subject);
    }

    /** The subject's key as the bucket holds it in {@code entry}, cached. */
    Held remember(String subject, KeyValueEntry entry) throws IOException {
        Held held = held(subject, entry);
        cache.put(subject, held);
        return held;
    }

    /** Caches the subject's new key, created at {@code revision}. */
    void remember(String subject, SecretKey created, long revision) {
        cache.put(subject, new Held(Optional.of(created), revision));
    }

    /** Stops using the subject's key at once, then tells the listeners (so that their reload no longer finds it). */
    void erased(String subject) {
        cache.put(subject, new Held(Optional.empty(), Long.MAX_VALUE));
        listeners.erased(subject);
    }

    DataKeys.Listening onErasure(Consumer<String> listener) {
        return listeners.add(listener);
    }

    private Held held(String subject, KeyValueEntry entry) throws IOException {
        return new Held(bucket.unwrap(subject, entry).map(SecretKey.class::cast), entry.getRevision());
    }

    /** Watches the bucket's new values from now on (no replay): an erased record calls {@link #erased}. */
    void watch() throws IOException, JetStreamApiException, InterruptedException {
        watch = bucket.kv.watchAll(
                new KeyValueWatcher() {
                    @Override
                    public void watch(KeyValueEntry entry) {
                        erasedElsewhere(entry);
                    }

                    @Override
                    public void endOfData() {}
                },
                KeyValueWatchOption.UPDATES_ONLY,
                KeyValueWatchOption.IGNORE_DELETE);
    }

    private void erasedElsewhere(KeyValueEntry entry) {
        try {
            if (entry.getValue() == null || bucket.erasedAt(entry).isEmpty()) {
                return; // a new or re-wrapped key: nothing to drop
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("an unreadable value in the key bucket '{}' was ignored by the erasure watch", bucket.name);
            return;
        }
        erased(NatsDataKeysBucket.subjectOf(entry.getKey()));
    }

    /** Stops the watch; the cache still keeps its bound. */
    void stopWatching() {
        NatsKeyValueWatchSubscription current = watch;
        watch = null;
        if (current != null) {
            try {
                current.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("the key bucket's watch was already gone: {}", e.getMessage());
            }
        }
    }
}
