package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.personal.DataKeys;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.internal.Aead;
import dev.verdict.store.personal.internal.ErasureListeners;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * default) after the bucket last returned it: a key in use is read again in the background once half that time has
 * passed, so commands do not wait on the bucket, and that read sees an erasure too. The erasing instance stops at once. Key material and personal data are never logged. {@link #close}
 * stops the watch.
 *
 * <pre>{@code
 * KeyEncryptionKey kek = KeyEncryptionKey.fromEnvironment("PHARMACY_KEK");
 * NatsDataKeys keys = NatsDataKeys.open(connection, NatsDataKeys.Settings.of("pharmacy", kek));
 * keys.erase("p-7");
 * }</pre>
 */
public final class NatsDataKeys implements DataKeys, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NatsDataKeys.class);
    static final int HISTORY = 4;
    /** Background re-reads of keys in use (see the cache); one daemon thread for every bucket in the JVM. */
    private static final Executor REFRESHES = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verdict-data-key-refresh");
        t.setDaemon(true);
        return t;
    });

    private final KeyValue kv;
    private final JetStreamManagement jsm;
    private final String stream;
    private final KeyEncryptionKey kek;
    private final ObjectMapper json = new ObjectMapper();
    private final LoadingCache<String, Optional<SecretKey>> cache;
    private final ErasureListeners listeners = new ErasureListeners();
    private volatile NatsKeyValueWatchSubscription watch;

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

    private final Settings settings;

    private NatsDataKeys(Connection connection, Settings settings) throws IOException {
        this.settings = settings;
        this.kv = connection.keyValue(settings.bucket());
        this.jsm = connection.jetStreamManagement();
        this.stream = "KV_" + settings.bucket();
        this.kek = settings.kek();
        // A key in use is read again in the background once half its cache time has passed, so a busy subject's
        // commands never wait on the bucket; the re-read also sees an erasure the watch missed. The bound stays:
        // a key is used at most cacheFor after the last read of the bucket that returned it.
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheFor())
                .refreshAfterWrite(settings.cacheFor().dividedBy(2))
                .executor(REFRESHES)
                .maximumSize(100_000)
                .build(this::stored);
    }

    /**
     * Opens the key bucket, creating it when missing, and makes sure its stream allows message erase.
     *
     * @throws StoreMisconfigured when the bucket cannot be created or its stream refuses message deletes
     * @throws EventStoreUnavailable when the server does not answer
     */
    public static NatsDataKeys open(Connection connection, Settings settings) {
        String stream = "KV_" + settings.bucket();
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamConfiguration existing = configurationOrNull(jsm, stream);
            if (existing == null) {
                // created as a KV bucket's stream, but with message deletes allowed: the KV API creates every bucket
                // with deny_delete, which a stream update cannot lift
                StreamConfiguration wanted = StreamConfiguration.builder()
                        .name(stream)
                        .description("Verdict data keys of data subjects, wrapped by a key-encryption key")
                        .subjects("$KV." + settings.bucket() + ".>")
                        .storageType(StorageType.File)
                        .replicas(settings.replicas())
                        .maxMessagesPerSubject(HISTORY)
                        .discardPolicy(DiscardPolicy.New)
                        .allowRollup(true)
                        .allowDirect(true)
                        .denyDelete(false)
                        .denyPurge(false)
                        .duplicateWindow(Duration.ofMinutes(2))
                        .build();
                try {
                    jsm.addStream(wanted);
                    LOG.info("created the key bucket '{}'", settings.bucket());
                } catch (JetStreamApiException e) {
                    if (configurationOrNull(jsm, stream) == null) {
                        throw e;
                    }
                }
                existing = configurationOrNull(jsm, stream);
            }
            if (existing == null || existing.getDenyDelete() || existing.getMaxMsgsPerSubject() < HISTORY) {
                throw new StoreMisconfigured("the key bucket '" + settings.bucket()
                        + "' must allow message deletes and keep " + HISTORY + " revisions per key for erasure"
                        + " (a bucket created with the KV API denies deletes for good: let NatsDataKeys create it)");
            }
            NatsDataKeys keys = new NatsDataKeys(connection, settings);
            keys.watchErasures();
            return keys;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("watch", new IOException(e));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured(
                    "cannot create the key bucket '" + settings.bucket() + "': " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw unavailable("open", e);
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
            StreamConfiguration existing = configurationOrNull(connection.jetStreamManagement(), "KV_" + bucket);
            if (existing == null) {
                return Optional.empty();
            }
            if (existing.getDenyDelete() || existing.getMaxMsgsPerSubject() < HISTORY) {
                throw new StoreMisconfigured("the key bucket '" + bucket + "' must allow message deletes and keep "
                        + HISTORY + " revisions per key for erasure");
            }
            return Optional.of(new NatsDataKeys(
                    connection, new Settings(bucket, new ErasureOnlyKek(), 1, Duration.ofSeconds(10), List.of())));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("cannot read the key bucket '" + bucket + "': " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw unavailable("open", e);
        }
    }

    /**
     * Watches the bucket's new values from now on: an erased record drops the subject's key from the cache, then tells
     * the listeners (in that order, so that a listener's reload no longer finds the key).
     */
    private void watchErasures() throws IOException, JetStreamApiException, InterruptedException {
        watch = kv.watchAll(
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
            if (entry.getValue() == null || erasedAt(entry).isEmpty()) {
                return; // a new or re-wrapped key: nothing to drop
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("an unreadable value in the key bucket '{}' was ignored by the erasure watch", settings.bucket());
            return;
        }
        String subject = subjectOf(entry.getKey());
        cache.put(subject, Optional.empty());
        listeners.erased(subject);
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
        return listeners.add(listener);
    }

    /** Stops watching the bucket for erasures; the keys can still be used (with the bound of the key cache only). */
    @Override
    public void close() {
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

    private static StreamConfiguration configurationOrNull(JetStreamManagement jsm, String stream)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(stream).getConfiguration();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public Optional<SecretKey> keyForWriting(String subject) {
        Optional<SecretKey> cached = cache.getIfPresent(subject);
        if (cached != null && cached.isPresent()) {
            return cached;
        }
        String key = kvKey(subject);
        try {
            while (true) {
                KeyValueEntry entry = kv.get(key);
                if (entry != null) {
                    Optional<SecretKey> found = unwrap(subject, entry);
                    cache.put(subject, found);
                    return found;
                }
                byte[] dataKey = Aead.newKey();
                ObjectNode value = json.createObjectNode()
                        .put("kek", kek.id())
                        .put("key", Base64.getEncoder().encodeToString(kek.wrap(dataKey, subject)))
                        .put("created", Instant.now().toString());
                if (KvCompareAndSet.create(kv, key, json.writeValueAsBytes(value))
                        .written()) {
                    Optional<SecretKey> created = Optional.of(new SecretKeySpec(dataKey, "AES"));
                    cache.put(subject, created);
                    return created;
                }
                // another instance created it first: use theirs
            }
        } catch (IOException e) {
            throw unavailable("read or create the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a data key: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Optional<SecretKey> keyForReading(String subject) {
        Optional<SecretKey> cached = cache.getIfPresent(subject);
        if (cached != null) {
            return cached;
        }
        try {
            KeyValueEntry entry = kv.get(kvKey(subject));
            if (entry == null) {
                return Optional.empty(); // never had a key: nothing of it can be sealed; not cached
            }
            Optional<SecretKey> found = unwrap(subject, entry);
            cache.put(subject, found);
            return found;
        } catch (IOException e) {
            throw unavailable("read the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a read: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Erasure erase(String subject) {
        String key = kvKey(subject);
        try {
            while (true) {
                KeyValueEntry entry = kv.get(key);
                Optional<Instant> erased = entry == null ? Optional.empty() : erasedAt(entry);
                if (erased.isPresent()) {
                    cache.put(subject, Optional.empty());
                    listeners.erased(subject);
                    eraseOlderThan(key, entry.getRevision()); // completes an interrupted erasure
                    return new Erasure(subject, erased.get(), true);
                }
                Instant now = Instant.now();
                byte[] record = json.writeValueAsBytes(json.createObjectNode().put("erased", now.toString()));
                KvCompareAndSet.Result written = entry == null
                        ? KvCompareAndSet.create(kv, key, record)
                        : KvCompareAndSet.update(kv, key, record, entry.getRevision());
                if (written instanceof KvCompareAndSet.Written w) {
                    cache.put(subject, Optional.empty());
                    listeners.erased(subject);
                    eraseOlderThan(key, w.revision());
                    return new Erasure(subject, now, false);
                }
            }
        } catch (IOException e) {
            throw unavailable("erase the data key of a subject", e);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused an erasure: " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Optional<Erasure> erasure(String subject) {
        try {
            KeyValueEntry entry = kv.get(kvKey(subject));
            return entry == null ? Optional.empty() : erasedAt(entry).map(at -> new Erasure(subject, at, true));
        } catch (IOException e) {
            throw unavailable("read the data key of a subject", e);
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
            for (String key : kv.keys()) {
                KeyValueEntry entry = kv.get(key);
                if (entry == null || entry.getValue() == null) {
                    continue;
                }
                JsonNode value = json.readTree(entry.getValue());
                if (!value.has("key") || kek.id().equals(value.path("kek").asText())) {
                    continue;
                }
                String subject = subjectOf(key);
                Optional<SecretKey> dataKey = unwrap(subject, entry);
                if (dataKey.isEmpty()) {
                    continue;
                }
                ObjectNode rewrapped = ((ObjectNode) value.deepCopy())
                        .put("kek", kek.id())
                        .put(
                                "key",
                                Base64.getEncoder()
                                        .encodeToString(kek.wrap(dataKey.get().getEncoded(), subject)));
                if (KvCompareAndSet.update(kv, key, json.writeValueAsBytes(rewrapped), entry.getRevision())
                        instanceof KvCompareAndSet.Written w) {
                    eraseOlderThan(key, w.revision());
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            throw unavailable("re-wrap data keys", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("re-wrap data keys", new IOException(e));
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured("the key bucket refused a re-wrap: " + e.getErrorDescription(), e);
        }
    }

    /** The KV key of a subject: {@code s.} + unpadded base64url of its UTF-8 id. */
    public static String kvKey(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("a data subject's id is not empty");
        }
        return "s." + Base64.getUrlEncoder().withoutPadding().encodeToString(subject.getBytes(StandardCharsets.UTF_8));
    }

    private static String subjectOf(String kvKey) {
        return new String(Base64.getUrlDecoder().decode(kvKey.substring(2)), StandardCharsets.UTF_8);
    }

    private void eraseOlderThan(String key, long revision) throws IOException, JetStreamApiException {
        List<KeyValueEntry> history;
        try {
            history = kv.history(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading a key's history", e);
        }
        for (KeyValueEntry old : history) {
            if (old.getRevision() < revision) {
                try {
                    jsm.deleteMessage(stream, old.getRevision(), true);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != JetStreamErrors.NO_MESSAGE_FOUND) {
                        throw e;
                    }
                }
            }
        }
    }

    private Optional<Instant> erasedAt(KeyValueEntry entry) throws IOException {
        if (entry.getValue() == null) {
            return Optional.empty();
        }
        JsonNode value = json.readTree(entry.getValue());
        return value.has("erased")
                ? Optional.of(Instant.parse(value.get("erased").asText()))
                : Optional.empty();
    }

    /** The subject's key as the bucket holds it now, or {@code null} (no mapping) when it never had one. */
    private Optional<SecretKey> stored(String subject) throws IOException, JetStreamApiException {
        KeyValueEntry entry = kv.get(kvKey(subject));
        return entry == null ? null : unwrap(subject, entry);
    }

    private Optional<SecretKey> unwrap(String subject, KeyValueEntry entry) throws IOException {
        JsonNode value = json.readTree(entry.getValue());
        if (value.has("erased")) {
            return Optional.empty();
        }
        String kekId = value.path("kek").asText();
        KeyEncryptionKey wrapping = kek.id().equals(kekId)
                ? kek
                : settings.previous().stream()
                        .filter(k -> k.id().equals(kekId))
                        .findFirst()
                        .orElseThrow(() -> new StoreMisconfigured(
                                "a data key is wrapped by key-encryption key " + kekId
                                        + ", which is neither the current one (" + kek.id()
                                        + ") nor among the previous ones",
                                null));
        byte[] dataKey =
                wrapping.unwrap(Base64.getDecoder().decode(value.path("key").asText()), subject);
        return Optional.of(new SecretKeySpec(dataKey, "AES"));
    }

    private static EventStoreUnavailable unavailable(String what, IOException e) {
        return new EventStoreUnavailable("cannot " + what + " in the key bucket: " + e.getMessage(), e);
    }
}
