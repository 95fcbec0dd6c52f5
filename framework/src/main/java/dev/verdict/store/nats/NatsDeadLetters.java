package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.PoisonReason;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetters} of a store on NATS – where projections record the events they gave up on: a KV bucket (default {@value #DEFAULT_BUCKET}), one
 * entry per event and projection under the key {@code <stream>.<projection>.<sequence>}, holding a small JSON
 * document (reason, detail, subject, type, attempts, time, and the stream's identity – absent in entries of earlier
 * releases, which are read as before). The payload is not copied: {@code stream} and {@code
 * sequence} point at the event, which stays in the event stream.
 *
 * <p>Guarantees: recording is idempotent (the key is derived from the event), so an event dead-lettered again after
 * a crash, or by two instances, still appears once; entries stay until {@link #remove(String, String, long)} (a successful replay removes
 * them; {@link #sequences} lets a runner find, and remove, the dead letter of an event it applied after all). The bucket takes the replica count it is opened with
 * (the store's: 3 on an R3 cluster, see {@link #openForStream}). Inspect it with any NATS client: {@code nats kv ls
 * verdict-dead-letters}.
 *
 * <pre>{@code
 * NatsDeadLetters deadLetters = NatsDeadLetters.openForStream(connection, "pharmacy");   // as many replicas as the stream
 * List<DeadLetter> letters = deadLetters.list("pharmacy", "prescription-list");
 * SortedSet<Long> sequences = deadLetters.sequences("pharmacy", "prescription-list");   // keys only
 * runner.replayDeadLetters();   // after fixing the handler: re-apply, and remove those that now succeed
 * }</pre>
 */
public final class NatsDeadLetters implements DeadLetters {
    /** The bucket used unless another is named. */
    public static final String DEFAULT_BUCKET = "verdict-dead-letters";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(NatsDeadLetters.class);

    private final KeyValue kv;
    private final String bucket;

    private NatsDeadLetters(KeyValue kv, String bucket) {
        this.kv = kv;
        this.bucket = bucket;
    }

    /**
     * Opens (creating if needed) the default bucket with one replica, or uses it as it is. On a cluster, prefer
     * {@link #open(Connection, int)} or {@link #openForStream(Connection, String)}.
     */
    public static NatsDeadLetters open(Connection connection) {
        return open(connection, DEFAULT_BUCKET);
    }

    /**
     * Opens (creating if needed) the default bucket with {@code replicas} replicas – the replica count of the store it
     * serves (3 on an R3 cluster). An existing bucket with fewer replicas is raised to {@code replicas} (if the server
     * refuses, it is used as it is and a warning is logged).
     *
     * @throws IllegalArgumentException when {@code replicas} is not 1..5
     * @throws EventStoreUnavailable when the bucket cannot be opened or created
     */
    public static NatsDeadLetters open(Connection connection, int replicas) {
        return open(connection, DEFAULT_BUCKET, replicas);
    }

    /**
     * Opens (creating if needed) the default bucket with the replica count of the event stream {@code stream} (the
     * store the projections read), so dead letters are as durable as the events they point at.
     *
     * @throws EventStoreUnavailable when the stream's configuration cannot be read or the bucket cannot be opened
     */
    public static NatsDeadLetters openForStream(Connection connection, String stream) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(stream, "stream");
        int replicas;
        try {
            replicas = KvBuckets.replicasOf(connection, stream);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable(
                    "cannot read the replica count of stream '" + stream + "': " + e.getMessage(), e);
        }
        return open(connection, DEFAULT_BUCKET, replicas);
    }

    /** Opens (creating if needed) the named bucket, file storage, one value per key, one replica. */
    public static NatsDeadLetters open(Connection connection, String bucket) {
        return open(connection, bucket, 1);
    }

    /**
     * Opens (creating if needed) the named bucket, file storage, one value per key, with {@code replicas} replicas
     * (raised on an existing bucket that has fewer, see {@link #open(Connection, int)}).
     *
     * @throws IllegalArgumentException when {@code replicas} is not 1..5
     * @throws EventStoreUnavailable when the bucket cannot be opened or created
     */
    public static NatsDeadLetters open(Connection connection, String bucket, int replicas) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(bucket, "bucket");
        KvBuckets.requireReplicas(replicas);
        try {
            KeyValue kv =
                    KvBuckets.open(connection, bucket, "Verdict dead letters: events projections gave up on", replicas);
            return new NatsDeadLetters(kv, bucket);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot open dead-letter bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /** The KV bucket's name. */
    public String bucket() {
        return bucket;
    }

    /**
     * Records (or overwrites) the dead letter of one event and projection, once.
     *
     * @throws EventStoreUnavailable when the write fails (the server is unreachable or refuses); see {@link
     *     DeadLetters#recordPatiently} for a write that waits for the server
     */
    @Override
    public void record(DeadLetter letter) {
        try {
            write(letter);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable(
                    "cannot record dead letter of projection '" + letter.projection() + "' at sequence "
                            + letter.sequence() + ": " + e.getMessage(),
                    e);
        }
    }

    private void write(DeadLetter letter) throws IOException, JetStreamApiException {
        kv.put(key(letter.stream(), letter.projection(), letter.sequence()), toJson(letter));
    }

    /** The dead letters of one projection, by sequence. */
    @Override
    public List<DeadLetter> list(String stream, String projection) {
        return listMatching(stream + "." + projection + ".*");
    }

    /** Every dead letter in the bucket, by stream, projection and sequence. */
    public List<DeadLetter> listAll() {
        return listMatching(">");
    }

    /** The dead letter of one event and projection, if recorded. */
    @Override
    public Optional<DeadLetter> find(String stream, String projection, long sequence) {
        try {
            KeyValueEntry entry = kv.get(key(stream, projection, sequence));
            return entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null
                    ? Optional.empty()
                    : Optional.of(fromJson(entry.getValue()));
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot read dead letter: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the dead letter of one event and projection, e.g. because the event was applied after all (a restart,
     * a rebuild). Idempotent: removing a dead letter that is not (or no longer) recorded does nothing.
     *
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    @Override
    public void remove(String stream, String projection, long sequence) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(projection, "projection");
        String key = key(stream, projection, sequence);
        try {
            // unconditional: a read first could be answered by a lagging replica and miss the entry
            kv.purge(key);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot remove dead letter " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stream sequences of one projection's dead letters, ascending – read from the keys only (no values), so a
     * runner can cheaply check whether an event it applies had been dead-lettered (and then {@link #remove(String, String, long)} it).
     *
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    @Override
    public SortedSet<Long> sequences(String stream, String projection) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(projection, "projection");
        String prefix = stream + "." + projection + ".";
        try {
            TreeSet<Long> sequences = new TreeSet<>();
            for (String key : kv.keys(prefix + "*")) {
                if (key.startsWith(prefix)) {
                    try {
                        sequences.add(Long.parseLong(key.substring(prefix.length())));
                    } catch (NumberFormatException e) {
                        LOG.warn("dead-letter bucket '{}': ignoring key '{}' (not a sequence)", bucket, key);
                    }
                }
            }
            return Collections.unmodifiableSortedSet(sequences);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot list dead letters in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while listing dead letters", e);
        }
    }

    private List<DeadLetter> listMatching(String filter) {
        try {
            List<DeadLetter> letters = new ArrayList<>();
            for (String key : kv.keys(filter)) {
                KeyValueEntry entry = kv.get(key);
                if (entry != null && entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
                    letters.add(fromJson(entry.getValue()));
                }
            }
            letters.sort(Comparator.comparing(DeadLetter::stream)
                    .thenComparing(DeadLetter::projection)
                    .thenComparingLong(DeadLetter::sequence));
            return letters;
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot list dead letters in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while listing dead letters", e);
        }
    }

    static String key(String stream, String projection, long sequence) {
        return stream + "." + projection + "." + sequence;
    }

    private static byte[] toJson(DeadLetter l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("projection", l.projection());
        n.put("stream", l.stream());
        n.put("sequence", l.sequence());
        n.put("subject", l.subject());
        l.eventType().ifPresent(t -> n.put("eventType", t));
        n.put("reason", l.reason().name());
        n.put("detail", l.detail());
        n.put("attempts", l.attempts());
        n.put("recordedAt", l.recordedAt().toString());
        l.streamIdentity().ifPresent(i -> n.put("streamIdentity", i));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode dead letter", e);
        }
    }

    private static DeadLetter fromJson(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new DeadLetter(
                    n.path("projection").asText(),
                    n.path("stream").asText(),
                    n.path("sequence").asLong(),
                    n.path("subject").asText(),
                    n.hasNonNull("eventType") ? Optional.of(n.get("eventType").asText()) : Optional.empty(),
                    PoisonReason.valueOf(n.path("reason").asText()),
                    n.path("detail").asText(),
                    n.path("attempts").asInt(),
                    Instant.parse(n.path("recordedAt").asText()),
                    // absent in the entries of earlier releases
                    n.hasNonNull("streamIdentity")
                            ? Optional.of(n.get("streamIdentity").asText())
                            : Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            throw new EventStoreException("unreadable dead-letter entry: " + e.getMessage(), e);
        }
    }
}
