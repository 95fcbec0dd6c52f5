package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.internal.DataKey;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key bucket of {@link NatsDataKeys} as stored: its stream (created with message deletes allowed), the KV key of a
 * subject, the value of a wrapped key or of an erasure, unwrapping with the current or a previous KEK, and the message
 * erase of a key's older revisions. Holds no state but the connection's handles.
 */
final class NatsDataKeysBucket {
    private static final Logger LOG = LoggerFactory.getLogger(NatsDataKeysBucket.class);
    static final int HISTORY = 4;

    final String name;
    final KeyValue kv;
    private final JetStreamManagement jsm;
    private final String stream;
    private final KeyEncryptionKey kek;
    private final List<KeyEncryptionKey> previous;
    private final ObjectMapper json = new ObjectMapper();

    NatsDataKeysBucket(Connection connection, String name, KeyEncryptionKey kek, List<KeyEncryptionKey> previous)
            throws IOException {
        this.name = name;
        this.kv = connection.keyValue(name);
        this.jsm = connection.jetStreamManagement();
        this.stream = streamOf(name);
        this.kek = kek;
        this.previous = List.copyOf(previous);
    }

    static String streamOf(String bucket) {
        return "KV_" + bucket;
    }

    /**
     * Creates the bucket's stream when missing – as a KV bucket's stream, but with message deletes allowed: the KV API
     * creates every bucket with deny_delete, which a stream update cannot lift – and checks that it allows erasure.
     */
    static void provision(JetStreamManagement jsm, String bucket, int replicas)
            throws IOException, JetStreamApiException {
        String stream = streamOf(bucket);
        StreamConfiguration existing = configurationOrNull(jsm, stream);
        if (existing == null) {
            StreamConfiguration wanted = StreamConfiguration.builder()
                    .name(stream)
                    .description("Verdict data keys of data subjects, wrapped by a key-encryption key")
                    .subjects("$KV." + bucket + ".>")
                    .storageType(StorageType.File)
                    .replicas(replicas)
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
                LOG.info("created the key bucket '{}'", bucket);
            } catch (JetStreamApiException e) {
                if (configurationOrNull(jsm, stream) == null) {
                    throw e;
                }
            }
            existing = configurationOrNull(jsm, stream);
        }
        if (existing == null || !allowsErasure(existing)) {
            throw new StoreMisconfigured("the key bucket '" + bucket
                    + "' must allow message deletes and keep " + HISTORY + " revisions per key for erasure"
                    + " (a bucket created with the KV API denies deletes for good: let NatsDataKeys create it)");
        }
    }

    static boolean allowsErasure(StreamConfiguration configuration) {
        return !configuration.getDenyDelete() && configuration.getMaxMsgsPerSubject() >= HISTORY;
    }

    static StreamConfiguration configurationOrNull(JetStreamManagement jsm, String stream)
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

    /** The KV key of a subject: {@code s.} + unpadded base64url of its UTF-8 id. */
    static String kvKey(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("a data subject's id is not empty");
        }
        return "s." + Base64.getUrlEncoder().withoutPadding().encodeToString(subject.getBytes(StandardCharsets.UTF_8));
    }

    static String subjectOf(String kvKey) {
        return new String(Base64.getUrlDecoder().decode(kvKey.substring(2)), StandardCharsets.UTF_8);
    }

    /** The value of a new data key wrapped by the current KEK. */
    byte[] wrapped(byte[] dataKey, String subject) throws IOException {
        ObjectNode value = json.createObjectNode()
                .put("kek", kek.id())
                .put("key", Base64.getEncoder().encodeToString(kek.wrap(dataKey, subject)))
                .put("created", Instant.now().toString());
        return json.writeValueAsBytes(value);
    }

    /** The value of an erasure at {@code at}. */
    byte[] erasedRecord(Instant at) throws IOException {
        return json.writeValueAsBytes(json.createObjectNode().put("erased", at.toString()));
    }

    /**
     * The value re-wrapped by the current KEK, or empty when it needs none (an erasure, or wrapped by the current KEK
     * already).
     */
    Optional<byte[]> rewrapped(String subject, KeyValueEntry entry) throws IOException {
        JsonNode value = json.readTree(entry.getValue());
        if (!value.has("key") || kek.id().equals(value.path("kek").asText())) {
            return Optional.empty();
        }
        byte[] dataKey = dataKeyBytes(subject, value);
        try {
            ObjectNode rewrapped = ((ObjectNode) value.deepCopy())
                    .put("kek", kek.id())
                    .put("key", Base64.getEncoder().encodeToString(kek.wrap(dataKey, subject)));
            return Optional.of(json.writeValueAsBytes(rewrapped));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** When the value says the subject was erased, or empty (a wrapped key; an entry without value). */
    Optional<Instant> erasedAt(KeyValueEntry entry) throws IOException {
        if (entry.getValue() == null) {
            return Optional.empty();
        }
        JsonNode value = json.readTree(entry.getValue());
        return value.has("erased")
                ? Optional.of(Instant.parse(value.get("erased").asText()))
                : Optional.empty();
    }

    /** The data key of the value, unwrapped; empty for an erasure. */
    Optional<DataKey> unwrap(String subject, KeyValueEntry entry) throws IOException {
        JsonNode value = json.readTree(entry.getValue());
        if (value.has("erased")) {
            return Optional.empty();
        }
        byte[] dataKey = dataKeyBytes(subject, value);
        try {
            return Optional.of(new DataKey(dataKey));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] dataKeyBytes(String subject, JsonNode value) {
        String kekId = value.path("kek").asText();
        KeyEncryptionKey wrapping = kek.id().equals(kekId)
                ? kek
                : previous.stream()
                        .filter(k -> k.id().equals(kekId))
                        .findFirst()
                        .orElseThrow(() -> new StoreMisconfigured(
                                "a data key is wrapped by key-encryption key " + kekId
                                        + ", which is neither the current one (" + kek.id()
                                        + ") nor among the previous ones",
                                null));
        return wrapping.unwrap(Base64.getDecoder().decode(value.path("key").asText()), subject);
    }

    /**
     * Erases (overwrites on disk, not only deletes) every message of the KV key older than {@code revision}: a KV
     * delete or purge leaves the old value's bytes in the stream file.
     */
    void eraseOlderThan(String key, long revision) throws IOException, JetStreamApiException {
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

    static EventStoreUnavailable unavailable(String what, IOException e) {
        return new EventStoreUnavailable("cannot " + what + " in the key bucket: " + e.getMessage(), e);
    }
}
