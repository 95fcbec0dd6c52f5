package dev.verdict.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where projections record the events they gave up on: a NATS KV bucket (default {@value #DEFAULT_BUCKET}), one
 * entry per event and projection under the key {@code <stream>.<projection>.<sequence>}, holding a small JSON
 * document (reason, detail, subject, type, attempts, time). The payload is not copied: {@code stream} and {@code
 * sequence} point at the event, which stays in the event stream.
 *
 * <p>Guarantees: recording is idempotent (the key is derived from the event), so an event dead-lettered again after
 * a crash still appears once; entries stay until {@link #remove} (a successful replay removes them). Inspect them
 * with any NATS client: {@code nats kv ls verdict-dead-letters}.
 *
 * <pre>{@code
 * DeadLetterStore deadLetters = DeadLetterStore.open(connection);
 * List<DeadLetter> letters = deadLetters.list("pharmacy", "prescription-list");
 * runner.replayDeadLetters();   // after fixing the handler: re-apply, and remove those that now succeed
 * }</pre>
 */
public final class DeadLetterStore {
    /** The bucket used unless another is named. */
    public static final String DEFAULT_BUCKET = "verdict-dead-letters";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyValue kv;
    private final String bucket;

    private DeadLetterStore(KeyValue kv, String bucket) {
        this.kv = kv;
        this.bucket = bucket;
    }

    /** Opens (creating if needed) the default bucket. */
    public static DeadLetterStore open(Connection connection) {
        return open(connection, DEFAULT_BUCKET);
    }

    /** Opens (creating if needed) the named bucket, file storage, one value per key. */
    public static DeadLetterStore open(Connection connection, String bucket) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(bucket, "bucket");
        try {
            KeyValueManagement kvm = connection.keyValueManagement();
            if (!kvm.getBucketNames().contains(bucket)) {
                try {
                    kvm.create(KeyValueConfiguration.builder()
                            .name(bucket)
                            .maxHistoryPerKey(1)
                            .storageType(StorageType.File)
                            .description("Verdict dead letters: events projections gave up on")
                            .build());
                } catch (JetStreamApiException e) {
                    // created concurrently by another process: fine, use it
                    if (!kvm.getBucketNames().contains(bucket)) {
                        throw e;
                    }
                }
            }
            return new DeadLetterStore(connection.keyValue(bucket), bucket);
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot open dead-letter bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /** The KV bucket's name. */
    public String bucket() {
        return bucket;
    }

    /** Records (or overwrites) the dead letter of one event and projection. */
    public void record(DeadLetter letter) {
        try {
            kv.put(key(letter.stream(), letter.projection(), letter.sequence()), toJson(letter));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure(
                    "cannot record dead letter of projection '" + letter.projection() + "' at sequence "
                            + letter.sequence() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The dead letters of one projection, by sequence. */
    public List<DeadLetter> list(String stream, String projection) {
        return listMatching(stream + "." + projection + ".*");
    }

    /** Every dead letter in the bucket, by stream, projection and sequence. */
    public List<DeadLetter> listAll() {
        return listMatching(">");
    }

    /** The dead letter of one event and projection, if recorded. */
    public Optional<DeadLetter> find(String stream, String projection, long sequence) {
        try {
            KeyValueEntry entry = kv.get(key(stream, projection, sequence));
            return entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null
                    ? Optional.empty()
                    : Optional.of(fromJson(entry.getValue()));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot read dead letter: " + e.getMessage(), e);
        }
    }

    /** Removes a dead letter (after it was replayed or judged harmless). */
    public void remove(DeadLetter letter) {
        try {
            kv.purge(key(letter.stream(), letter.projection(), letter.sequence()));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot remove dead letter: " + e.getMessage(), e);
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
            throw new ProjectionFailure("cannot list dead letters in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionFailure("interrupted while listing dead letters", e);
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
                    Instant.parse(n.path("recordedAt").asText()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ProjectionFailure("unreadable dead-letter entry: " + e.getMessage(), e);
        }
    }
}
