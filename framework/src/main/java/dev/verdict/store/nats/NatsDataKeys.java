package dev.verdict.store.nats;

import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.personal.DataKeys;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.internal.Aead;
import dev.verdict.store.personal.internal.DataKey;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.SecretKey;

/**
 * Data keys in a NATS KV bucket, {@code <store>-personal-keys}: one key per data subject, the value a data key
 * wrapped by the {@link KeyEncryptionKey}, {@code {"kek":"<kek id>","key":"<base64 wrapped key>","created":"<time>"}},
 * or, once the subject was erased, {@code {"erased":"<time>"}}. The KV key is {@code s.} followed by the subject id in
 * unpadded base64url.
 *
 * <p>Erasure and the bytes on disk: a KV delete or purge only adds a marker – the old value's message stays in the
 * bucket's stream file. {@link #erase} therefore writes the erased record first (compare-and-set, so no instance can
 * create a new key for the subject afterwards) and then deletes every older message of the subject's KV key with
 * JetStream's message erase ({@code $JS.API.STREAM.MSG.DELETE.KV_<bucket>} without {@code no_erase}), which
 * overwrites the stored bytes. The bucket keeps up to {@value #HISTORY} revisions per key so that writing the erased
 * record does not drop the old key by the history limit (a limit removes without overwriting), and its stream allows
 * message deletes ({@code deny_delete} false): {@link #open} creates it as a KV bucket's stream itself, since the KV
 * API creates every bucket with {@code deny_delete} and the server refuses to lift it later. An erasure interrupted
 * between the two steps is completed by the next call to {@code erase}: it is idempotent.
 *
 * <p>Caching and erasures made elsewhere: an instance opened with {@link #open} watches the bucket for new values
 * (a KV watch from the moment it opened – no replay, no polling of keys). When another instance or a tool erases a
 * subject, the erased record reaches the watch – as a message delivery on a live connection, after a reconnection when
 * the watch resumes – and this instance drops the subject's key from its cache and tells its {@link #onErasure}
 * listeners. Independently of the watch, an unwrapped key is used for at most {@link Settings#cacheFor} (10 s by
 * default) after the bucket last returned it: a key in use is read again in the background once three quarters of that
 * time have passed, so commands do not wait on the bucket, and that read sees an erasure too. The erasing instance stops at once. Key material and personal data are never logged. {@link #close}
 * stops the watch. (The bucket's stored form is {@code NatsDataKeysBucket}, the cache and watch {@code
 * NatsDataKeysCache}.)
 *
 * <pre>{@code
 * KeyEncryptionKey kek = KeyEncryptionKey.fromEnvironment("PHARMACY_KEK");
 * NatsDataKeys keys = NatsDataKeys.open(connection, NatsDataKeys.Settings.of("pharmacy", kek));
 * keys.erase("p-7");
 * }</pre>
 */
public final class NatsDataKeys implements DataKeys, AutoCloseable {
    static final int HISTORY = NatsDataKeysBucket.HISTORY;

    private final NatsDataKeysBucket bucket;
    private final NatsDataKeysCache cache;

    /**
     * Where the keys live and how long an instance may use a cached key.
     *
     * @param bucket the KV bucket
     * @param kek the key-encryption key that wraps new data keys and unwraps stored ones
     * @param replicas the bucket's replicas (1..5)
     * @param cacheFor how long an unwrapped key may be used from memory: the bound after which an erasure on another
     *     instance takes effect here
     * @param previous older KEKs whose wrapped keys are still read (re-wrap them with {@link #rewrap})
     */
    public record Settings(
            String bucket, KeyEncryptionKey kek, int replicas, Duration cacheFor, List<KeyEncryptionKey> previous) {
        public Settings {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(kek, "kek");
            Objects.requireNonNull(cacheFor, "cacheFor");
            previous = List.copyOf(previous);
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be 1..5, was " + replicas);
            }
        }

        /** Bucket {@code <store>-personal-keys}, one replica, keys cached for 10 s, no older KEKs. */
        public static Settings of(String storeName, KeyEncryptionKey kek) {
            return new Settings(storeName + "-personal-keys", kek, 1, Duration.ofSeconds(10), List.of());
        }

        public Settings withReplicas(int replicas) {
            return new Settings(bucket, kek, replicas, cacheFor, previous);
        }

        public Settings withCacheFor(Duration cacheFor) {
            return new Settings(bucket, kek, replicas, cacheFor, previous);
        }

        /** Also reads data keys wrapped by these older KEKs (during a rotation). */
        public Settings withPrevious(KeyEncryptionKey... previous) {
            return new Settings(bucket, kek, replicas, cacheFor, List.of(previous));
        }
    }

    private NatsDataKeys(Connection connection, Settings settings) throws IOException {
        this.bucket = new NatsDataKeysBucket(connection, settings.bucket(), settings.kek(), settings.previous());
        this.cache = new NatsDataKeysCache(bucket, settings.cacheFor());
    }

    /**
     * Opens the key bucket, creating it when missing, and makes sure its stream allows message erase.
     *
     * @throws StoreMisconfigured when the bucket cannot be created or its stream refuses message deletes
     * @throws EventStoreUnavailable when the server does not answer
     */
    public static NatsDataKeys open(Connection connection, Settings settings) {
        try {
            NatsDataKeysBucket.provision(connection.jetStreamManagement(), settings.bucket(), settings.replicas());
            NatsDataKeys keys = new NatsDataKeys(connection, settings);
            keys.cache.watch();
            return keys;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NatsDataKeysBucket.unavailable("watch", new IOException(e));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured(
                    "cannot create the key bucket '" + settings.bucket() + "': " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("open", e);
        }
    }

    /**
     * Opens an existing key bucket to erase data subjects and read erasures, without the key-encryption key: erasure
     * replaces and destroys a subject's wrapped key and never unwraps it, so an operator's tool (the {@code verdict
     * erase} command) needs no KEK. Nothing is created: when the bucket does not exist the answer is empty. {@link
     * #erase} and {@link #erasure} work as on an instance opened with {@link #open}; everything that needs the KEK
     * ({@link #keyForWriting}, {@link #keyForReading} of a subject with a key, {@link #rewrap}) throws {@link
     * StoreMisconfigured}.
     *
     * <pre>{@code
     * NatsDataKeys.openForErasure(connection, "pharmacy-personal-keys").map(keys -> keys.erase("p-7"));
     * }</pre>
     *
     * @throws StoreMisconfigured when the bucket's stream refuses message deletes (see {@link #open})
     * @throws EventStoreUnavailable when the server does not answer
     */
    public static Optional<NatsDataKeys> openForErasure(Connection connection, String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        try {
            StreamConfiguration existing = NatsDataKeysBucket.configurationOrNull(
                    connection.jetStreamManagement(), NatsDataKeysBucket.streamOf(bucket));
            if (existing == null) {
                return Optional.empty();
            }
            if (!NatsDataKeysBucket.allowsErasure(existing)) {
                throw new StoreMisconfigured("the key bucket '" + bucket + "' must allow message deletes and keep "
                        + HISTORY + " revisions per key for erasure");
            }
            return Optional.of(new NatsDataKeys(
                    connection, new Settings(bucket, new ErasureOnlyKek(), 1, Duration.ofSeconds(10), List.of())));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("cannot read the key bucket '" + bucket + "': " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("open", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: this instance's own erasures at once; the erasures of other instances and tools when the bucket's watch
     * delivers them (see the class's description), not for an instance opened with {@link #openForErasure}, which
     * does not watch.
     */
    @Override
    public Listening onErasure(Consumer<String> listener) {
        return cache.onErasure(listener);
    }

    /** Stops watching the bucket for erasures; the keys can still be used (with the bound of the key cache only). */
    @Override
    public void close() {
        cache.stopWatching();
    }

    @Override
    public Optional<SecretKey> keyForWriting(String subject) {
        NatsDataKeysCache.Held cached = cache.cached(subject);
        if (cached != null && cached.key().isPresent()) {
            return cached.key();
        }
        String key = kvKey(subject);
        try {
            while (true) {
                KeyValueEntry entry = bucket.kv.get(key);
                if (entry != null) {
                    return cache.remember(subject, entry).key();
                }
                DataKey dataKey = Aead.newDataKey();
                byte[] material = dataKey.getEncoded();
                KvCompareAndSet.Result created;
                try {
                    created = KvCompareAndSet.create(bucket.kv, key, bucket.wrapped(material, subject));
                } finally {
                    Arrays.fill(material, (byte) 0);
                }
                if (created instanceof KvCompareAndSet.Written w) {
                    cache.remember(subject, dataKey, w.revision());
                    return Optional.of(dataKey);
                }
                // another instance created it first: use theirs
            }
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("read or create the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a data key: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Optional<SecretKey> keyForReading(String subject) {
        NatsDataKeysCache.Held cached = cache.cached(subject);
        if (cached != null) {
            return cached.key();
        }
        try {
            KeyValueEntry entry = bucket.kv.get(kvKey(subject));
            if (entry == null) {
                return Optional.empty(); // never had a key: nothing of it can be sealed; not cached
            }
            return cache.remember(subject, entry).key();
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("read the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a read: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Erasure erase(String subject) {
        String key = kvKey(subject);
        try {
            while (true) {
                KeyValueEntry entry = bucket.kv.get(key);
                Optional<Instant> erased = entry == null ? Optional.empty() : bucket.erasedAt(entry);
                if (erased.isPresent()) {
                    cache.erased(subject);
                    bucket.eraseOlderThan(key, entry.getRevision()); // completes an interrupted erasure
                    return new Erasure(subject, erased.get(), true);
                }
                Instant now = Instant.now();
                byte[] record = bucket.erasedRecord(now);
                KvCompareAndSet.Result written = entry == null
                        ? KvCompareAndSet.create(bucket.kv, key, record)
                        : KvCompareAndSet.update(bucket.kv, key, record, entry.getRevision());
                if (written instanceof KvCompareAndSet.Written w) {
                    cache.erased(subject);
                    bucket.eraseOlderThan(key, w.revision());
                    return new Erasure(subject, now, false);
                }
            }
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("erase the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused an erasure: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Optional<Erasure> erasure(String subject) {
        try {
            KeyValueEntry entry = bucket.kv.get(kvKey(subject));
            return entry == null ? Optional.empty() : bucket.erasedAt(entry).map(at -> new Erasure(subject, at, true));
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("read the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a read: " + e.getErrorDescription(), e);
        }
    }

    /**
     * Re-wraps every stored data key with the current KEK (after a rotation: the old KEK among {@link
     * Settings#previous}), erasing each old wrapped value's message; the data keys themselves – and so everything
     * encrypted in the stream – stay as they are.
     *
     * @return how many keys were re-wrapped
     */
    public int rewrap() {
        int count = 0;
        try {
            for (String key : bucket.kv.keys()) {
                KeyValueEntry entry = bucket.kv.get(key);
                if (entry == null || entry.getValue() == null) {
                    continue;
                }
                Optional<byte[]> rewrapped = bucket.rewrapped(NatsDataKeysBucket.subjectOf(key), entry);
                if (rewrapped.isPresent()
                        && KvCompareAndSet.update(bucket.kv, key, rewrapped.get(), entry.getRevision())
                                instanceof KvCompareAndSet.Written w) {
                    bucket.eraseOlderThan(key, w.revision());
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            throw NatsDataKeysBucket.unavailable("re-wrap data keys", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NatsDataKeysBucket.unavailable("re-wrap data keys", new IOException(e));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a re-wrap: " + e.getErrorDescription(), e);
        }
    }

    /** The KV key of a subject: {@code s.} + unpadded base64url of its UTF-8 id. */
    public static String kvKey(String subject) {
        return NatsDataKeysBucket.kvKey(subject);
    }
}
