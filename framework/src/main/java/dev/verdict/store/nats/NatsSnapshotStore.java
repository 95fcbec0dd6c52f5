package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.codec.VerdictObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots in a NATS KV bucket, one key per entity: bucket {@code <store>-snapshots}, key {@code <category>.<id>},
 * value the JSON {@code {"version":N,"fingerprint":"…","stream":"<stream identity>","state":<state JSON>}} (a state
 * codec that does not write JSON is stored as {@code "state_base64"}; {@code "stream"} is absent when unknown).
 *
 * <p>Guarantees: {@link #load} never throws for bad data – a corrupt value is logged, counted ({@link
 * #corruptSnapshots()}) and reported as empty; {@link #save} never throws and never replaces a snapshot with one of a
 * lower or equal version (compare-and-set on the key's revision, so concurrent writers cannot go backwards); failed
 * or skipped saves are logged and counted. The store does not judge fingerprints or versions against the stream:
 * callers use {@link dev.verdict.store.SnapshotValidation}.
 *
 * <pre>{@code
 * NatsSnapshotStore snapshots = NatsSnapshotStore.create(nc, NatsEventStoreConfig.of("pharmacy"));
 * snapshots.save(rx, new Snapshot(version, codec.fingerprint(), codec.encode(state)));
 * Optional<Snapshot> latest = snapshots.load(rx);
 * }</pre>
 */
public final class NatsSnapshotStore implements SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(NatsSnapshotStore.class);
    private static final int SAVE_ATTEMPTS = 3;
    private static final int KNOWN_REVISIONS = 10_000;
    private static final String KV_OPERATION = "KV-Operation";
    private static final String NATS_SEQUENCE = "Nats-Sequence";

    private final KeyValue kv;
    private final String bucket;
    private final int maxValueSize;
    private final Connection connection;
    private final Duration timeout;
    /** {@code $JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.}, or null when the bucket does not allow direct gets. */
    private final String directGetPrefix;
    /** Strict and exact: a value with trailing bytes is corrupt, and the state's numbers are copied unchanged. */
    private final ObjectMapper json = VerdictObjectMapper.create();

    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong failedSaves = new AtomicLong();
    private final AtomicLong skippedSaves = new AtomicLong();
    /** Per key, the revision and version this process last read or wrote: lets a save skip reading the key first. */
    private final Cache<String, Stored> known = Caffeine.newBuilder()
            .maximumSize(KNOWN_REVISIONS)
            // maintenance (eviction) on the writing thread: handing it to the common pool woke a thread on every new
            // key – a system call on a cold command's path, and a thread competing for the CPU
            .executor(Runnable::run)
            .build();

    private NatsSnapshotStore(
            KeyValue kv, String bucket, int maxValueSize, Connection connection, Duration timeout, boolean direct) {
        this.kv = kv;
        this.bucket = bucket;
        this.maxValueSize = maxValueSize;
        this.connection = connection;
        this.timeout = timeout;
        this.directGetPrefix = direct ? "$JS.API.DIRECT.GET.KV_" + bucket + ".$KV." + bucket + "." : null;
    }

    /**
     * Creates the bucket if missing (one revision per key, file storage) and returns the store.
     *
     * @throws StoreMisconfigured when the bucket is missing and provisioning is off, or cannot be created
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public static NatsSnapshotStore create(Connection connection, NatsEventStoreConfig config) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(config, "config");
        StreamProvisioning.requireServerVersion(connection);
        String bucket = config.snapshotBucket();
        KeyValueConfiguration.Builder b = KeyValueConfiguration.builder()
                .name(bucket)
                .description("Verdict snapshots of store " + config.storeName())
                .storageType(StorageType.File)
                .maxHistoryPerKey(1)
                .replicas(config.snapshotReplicas());
        if (config.snapshotMaxValueSize() > 0) {
            b.maximumValueSize(config.snapshotMaxValueSize());
        }
        KeyValueStatus status = StreamProvisioning.ensureBucket(connection, config, "snapshot bucket", b.build());
        boolean direct = status.getConfiguration().getBackingConfig().getAllowDirect();
        try {
            int limit = config.snapshotMaxValueSize() > 0
                    ? config.snapshotMaxValueSize()
                    : (int) Math.min(Integer.MAX_VALUE, connection.getMaxPayload() - 1024);
            return new NatsSnapshotStore(
                    connection.keyValue(bucket), bucket, limit, connection, config.requestTimeout(), direct);
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot provision snapshot bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /**
     * The key's latest value: one direct get of the key's last message when the bucket allows direct gets (as jnats'
     * {@code kv.get} does, but without parsing the message's time stamp – which was the largest single item of a cold
     * command's CPU – or its stream info lookup), else {@code kv.get}.
     */
    @Override
    public Optional<Snapshot> load(EntityRef entity) {
        String key = entity.key();
        byte[] value;
        long revision;
        try {
            if (directGetPrefix != null) {
                Message m = directGet(key);
                if (m == null) {
                    return Optional.empty();
                }
                String operation =
                        m.getHeaders() == null ? null : m.getHeaders().getFirst(KV_OPERATION);
                if (operation != null && !operation.equals(KeyValueOperation.PUT.getHeaderValue())) {
                    return Optional.empty(); // deleted or purged
                }
                value = m.getData();
                revision = revisionOf(m);
            } else {
                KeyValueEntry entry = kv.get(key);
                if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
                    return Optional.empty();
                }
                value = entry.getValue();
                revision = entry.getRevision();
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot load the snapshot of {} from bucket '{}': {}", entity, bucket, e.toString());
            return Optional.empty();
        }
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        try {
            Snapshot snapshot = parse(value);
            if (revision > 0) {
                known.put(key, new Stored(revision, snapshot.version()));
            }
            return Optional.of(snapshot);
        } catch (IllegalArgumentException | IOException e) {
            corrupt.incrementAndGet();
            LOG.warn(
                    "ignoring corrupt snapshot of {} in bucket '{}' (revision {}): {}",
                    entity,
                    bucket,
                    revision,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The key's last message (a direct get of the last message on {@code $KV.<bucket>.<key>}), or null if none. */
    private Message directGet(String key) throws IOException {
        Message m;
        try {
            m = connection
                    .requestWithTimeout(directGetPrefix + key, null, null, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no answer to a direct get of '" + key + "': " + e, e);
        }
        if (m == null) {
            throw new IOException("no answer to a direct get of '" + key + "'");
        }
        if (m.isStatusMessage()) {
            if (m.getStatus().getCode() == 404) {
                return null; // no message on the key
            }
            throw new IOException("direct get of '" + key + "' answered " + m.getStatus());
        }
        return m;
    }

    /** The stream sequence of a direct get's answer ({@code Nats-Sequence}), 0 if absent or unreadable. */
    private static long revisionOf(Message m) {
        String sequence = m.getHeaders() == null ? null : m.getHeaders().getFirst(NATS_SEQUENCE);
        if (sequence == null) {
            return 0;
        }
        try {
            return Long.parseLong(sequence.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void save(EntityRef entity, Snapshot snapshot) {
        try {
            byte[] value = serialize(snapshot);
            if (value.length > maxValueSize) {
                skippedSaves.incrementAndGet();
                LOG.warn(
                        "not saving the snapshot of {} at version {}: {} bytes exceed the limit of {}",
                        entity,
                        snapshot.version(),
                        value.length,
                        maxValueSize);
                return;
            }
            String key = entity.key();
            // what is under the key: as this process last read or wrote it (usually still current, so a save is one
            // update), else read; each read counts as an attempt
            Stored seen = known.getIfPresent(key);
            int reads = 0;
            while (seen != null || reads < SAVE_ATTEMPTS) {
                if (seen == null) {
                    reads++;
                    KeyValueEntry current = kv.get(key);
                    if (current == null || current.getOperation() != KeyValueOperation.PUT) {
                        KvCompareAndSet.Result created = current == null
                                ? KvCompareAndSet.create(kv, key, value)
                                : KvCompareAndSet.update(kv, key, value, current.getRevision());
                        if (created instanceof KvCompareAndSet.Written w) {
                            known.put(key, new Stored(w.revision(), snapshot.version()));
                            return;
                        }
                        known.invalidate(key);
                        continue; // another writer saved in between: look again
                    }
                    seen = new Stored(current.getRevision(), versionOf(current.getValue()));
                }
                if (seen.version() >= snapshot.version()) {
                    skippedSaves.incrementAndGet(); // the bucket only moves forward
                    LOG.debug(
                            "not saving the snapshot of {} at version {}: version {} is already saved",
                            entity,
                            snapshot.version(),
                            seen.version());
                    return;
                }
                KvCompareAndSet.Result updated = KvCompareAndSet.update(kv, key, value, seen.revision());
                if (updated instanceof KvCompareAndSet.Written w) {
                    known.put(key, new Stored(w.revision(), snapshot.version()));
                    return;
                }
                known.invalidate(key);
                seen = null; // another writer saved in between: look again
            }
            failedSaves.incrementAndGet();
            LOG.warn(
                    "gave up saving the snapshot of {} at version {} after {} concurrent updates",
                    entity,
                    snapshot.version(),
                    SAVE_ATTEMPTS);
        } catch (Exception e) {
            failedSaves.incrementAndGet();
            LOG.warn("cannot save the snapshot of {} at version {}: {}", entity, snapshot.version(), e.toString());
        }
    }

    /** Snapshots found unreadable by {@link #load} since this store was created. */
    public long corruptSnapshots() {
        return corrupt.get();
    }

    /** Saves that failed (server unreachable, repeated concurrent updates, …). */
    public long failedSaves() {
        return failedSaves.get();
    }

    /** Saves skipped because a snapshot of the same or a newer version was there, or the value was too large. */
    public long skippedSaves() {
        return skippedSaves.get();
    }

    /** The bucket's name. */
    public String bucket() {
        return bucket;
    }

    private byte[] serialize(Snapshot snapshot) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("version", snapshot.version());
        node.put("fingerprint", snapshot.fingerprint());
        if (!snapshot.streamIdentity().isEmpty()) {
            node.put("stream", snapshot.streamIdentity());
        }
        JsonNode state = readJson(snapshot.state());
        if (state != null) {
            node.set("state", state);
        } else {
            node.put("state_base64", Base64.getEncoder().encodeToString(snapshot.state()));
        }
        return json.writeValueAsBytes(node);
    }

    private JsonNode readJson(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    private Snapshot parse(byte[] value) throws IOException {
        JsonNode node = json.readTree(value);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("value is not a JSON object: "
                    + new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8));
        }
        JsonNode version = node.get("version");
        JsonNode fingerprint = node.get("fingerprint");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
            throw new IllegalArgumentException("'version' is missing or not an integer");
        }
        if (fingerprint == null || !fingerprint.isTextual()) {
            throw new IllegalArgumentException("'fingerprint' is missing or not a string");
        }
        byte[] state;
        if (node.hasNonNull("state")) {
            state = json.writeValueAsBytes(node.get("state"));
        } else if (node.hasNonNull("state_base64") && node.get("state_base64").isTextual()) {
            state = Base64.getDecoder().decode(node.get("state_base64").asText());
        } else {
            throw new IllegalArgumentException("'state' is missing");
        }
        JsonNode stream = node.get("stream");
        if (stream != null && !stream.isTextual()) {
            throw new IllegalArgumentException("'stream' is not a string");
        }
        return new Snapshot(version.asLong(), fingerprint.asText(), state, stream == null ? "" : stream.asText());
    }

    private long versionOf(byte[] value) {
        try {
            return parse(value).version();
        } catch (IOException | IllegalArgumentException e) {
            return 0; // a corrupt snapshot may be replaced by any valid one
        }
    }

    /** A snapshot as stored under its key: the KV revision and the snapshot's version. */
    private record Stored(long revision, long version) {}
}
