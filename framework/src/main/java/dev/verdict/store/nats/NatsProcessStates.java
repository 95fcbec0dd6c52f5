package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@link ProcessStates} in the NATS KV bucket {@value #BUCKET}: every read is a {@code $JS.API.STREAM.MSG.GET} that
 * the bucket stream's leader answers (a KV {@code get} is a direct get, which a lagging replica may answer), every
 * write a compare-and-set through {@link KvCompareAndSet}.
 *
 * <p>Keys (the previous release's two keys are kept as they were):
 *
 * <ul>
 *   <li>{@code <process>} – the previous release's single entry per process (JSON {@code sequence, quietUntil,
 *       fingerprint, state}), only read ({@link #legacy});
 *   <li>{@code <process>.stream-identity} – the stream identity, unchanged;
 *   <li>{@code <process>.checkpoint} and {@code <process>.checkpoint-<i>of<n>} – the checkpoint of the whole process
 *       or of one partition (JSON {@code sequence, quietUntil, generation});
 *   <li>{@code <process>.i.<instance>} – one instance's state (JSON {@code sequence, generation, partition,
 *       fingerprint, state} with the state in base64); an instance key that is not made of letters, digits, {@code -}
 *       and {@code _} (or is longer than 128 characters) is written as {@code =} followed by its base64url form.
 * </ul>
 *
 * <pre>{@code
 * ProcessStates states = NatsProcessStates.builder(connection).replicasOfStream("pharmacy").open();
 * ProcessProjection<InventoryEvent, Stock, InventoryCommand> host =
 *         ProcessProjection.builder(states, "reorders", reorders, stateCodec, router, sender).build();
 * }</pre>
 */
public final class NatsProcessStates implements ProcessStates {
    /** The KV bucket holding every hosted process's checkpoints and instance states. */
    public static final String BUCKET = "verdict-process-state";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JS_API = "$JS.API.";
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Connection connection;
    private final KeyValue kv;

    private NatsProcessStates(Connection connection, KeyValue kv) {
        this.connection = connection;
        this.kv = kv;
    }

    /** The states in the bucket, created with one replica if missing. On a cluster use {@link #builder}. */
    public static NatsProcessStates open(Connection connection) {
        return builder(connection).open();
    }

    /** A builder; {@link Builder#open()} opens (or creates) the bucket. */
    public static Builder builder(Connection connection) {
        return new Builder(Objects.requireNonNull(connection, "connection"));
    }

    /** Options of the bucket. */
    public static final class Builder {
        private final Connection connection;
        private int replicas = 1;

        private Builder(Connection connection) {
            this.connection = connection;
        }

        /**
         * Replicas of the bucket: the replica count of the store the processes serve (3 on an R3 cluster). Default 1.
         * The bucket is created with it, or an existing bucket with fewer replicas is raised to it (if the server
         * refuses, it is used as it is and a warning is logged).
         *
         * @throws IllegalArgumentException when not 1..5
         */
        public Builder replicas(int replicas) {
            this.replicas = KvBuckets.requireReplicas(replicas);
            return this;
        }

        /**
         * Replicas of the bucket: those of the event stream {@code stream}.
         *
         * @throws StoreMisconfigured when the stream's configuration cannot be read
         */
        public Builder replicasOfStream(String stream) {
            try {
                return replicas(KvBuckets.replicasOf(connection, Objects.requireNonNull(stream, "stream")));
            } catch (IOException | JetStreamApiException e) {
                throw new StoreMisconfigured(
                        "cannot read the replica count of stream '" + stream + "': " + e.getMessage(), e);
            }
        }

        /**
         * Opens the bucket, creating it if missing ({@link KvBuckets#open}: an existing bucket with fewer replicas is
         * raised, never lowered).
         *
         * @throws StoreMisconfigured when the bucket cannot be opened or created
         */
        public NatsProcessStates open() {
            try {
                return new NatsProcessStates(
                        connection,
                        KvBuckets.open(
                                connection,
                                BUCKET,
                                "Verdict process managers: checkpoints and instance states",
                                replicas));
            } catch (IOException | JetStreamApiException e) {
                throw new StoreMisconfigured("cannot open the process state bucket: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Versioned<Checkpoint> checkpoint(String process, String partition) {
        return readJson(checkpointKey(process, partition))
                .map(n -> new Checkpoint(
                        n.path("sequence").asLong(),
                        n.path("quietUntil").asLong(),
                        n.path("generation").asLong()));
    }

    @Override
    public OptionalLong writeCheckpoint(String process, String partition, Checkpoint c, long expectedRevision) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sequence", c.sequence());
        n.put("quietUntil", c.quietUntil());
        n.put("generation", c.generation());
        return compareAndSet(checkpointKey(process, partition), n, expectedRevision);
    }

    @Override
    public List<String> partitions(String process) {
        List<String> partitions = new ArrayList<>();
        try {
            for (String key : kv.keys(process + ".*")) {
                String last = key.substring(process.length() + 1);
                if (last.equals("checkpoint")) {
                    partitions.add("");
                } else if (last.startsWith("checkpoint-")) {
                    partitions.add(last.substring("checkpoint-".length()));
                }
            }
            return partitions;
        } catch (IOException | JetStreamApiException e) {
            throw unavailable("list the partitions of process '" + process + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("list the partitions of process '" + process + "'", e);
        }
    }

    @Override
    public Versioned<InstanceState> instance(String process, String instance) {
        return readJson(instanceKey(process, instance))
                .map(n -> new InstanceState(
                        Base64.getDecoder().decode(n.path("state").asText()),
                        n.path("fingerprint").asText(),
                        n.path("sequence").asLong(),
                        n.path("generation").asLong(),
                        n.path("partition").asText()));
    }

    @Override
    public OptionalLong writeInstance(String process, String instance, InstanceState s, long expectedRevision) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sequence", s.sequence());
        n.put("generation", s.generation());
        n.put("partition", s.partition());
        n.put("fingerprint", s.fingerprint());
        n.put("state", Base64.getEncoder().encodeToString(s.state()));
        return compareAndSet(instanceKey(process, instance), n, expectedRevision);
    }

    @Override
    public OptionalLong deleteInstance(String process, String instance, long expectedRevision) {
        String key = instanceKey(process, instance);
        try {
            kv.delete(key, expectedRevision);
            // the delete marker's revision is read back: the next create of this instance expects it
            return OptionalLong.of(
                    readFromLeader(key).map(KeyValueEntry::getRevision).orElse(0L));
        } catch (JetStreamApiException e) {
            if (KvCompareAndSet.isConflict(e)) {
                return OptionalLong.empty();
            }
            throw unavailable("delete '" + key + "'", e);
        } catch (IOException | IllegalStateException e) {
            throw unavailable("delete '" + key + "'", e);
        }
    }

    @Override
    public Optional<LegacyState> legacy(String process) {
        return readJson(process)
                .value()
                .map(n -> new LegacyState(
                        n.path("sequence").asLong(),
                        n.path("quietUntil").asLong(),
                        n.path("fingerprint").asText(),
                        Base64.getDecoder().decode(n.path("state").asText())));
    }

    @Override
    public Optional<String> streamIdentity(String process) {
        return readFromLeader(process + ".stream-identity")
                .filter(e -> e.getOperation() == KeyValueOperation.PUT && e.getValue() != null)
                .map(e -> new String(e.getValue(), StandardCharsets.UTF_8));
    }

    @Override
    public void recordStreamIdentity(String process, String identity) {
        try {
            kv.put(process + ".stream-identity", identity.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            throw unavailable("record the stream identity of process '" + process + "'", e);
        }
    }

    /** The key of an instance: {@code <process>.i.<instance>}, the instance base64url-encoded unless plain. */
    static String instanceKey(String process, String instance) {
        String token = PLAIN_KEY.matcher(instance).matches()
                ? instance
                : "="
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(instance.getBytes(StandardCharsets.UTF_8));
        return process + ".i." + token;
    }

    private static String checkpointKey(String process, String partition) {
        return partition.isEmpty() ? process + ".checkpoint" : process + ".checkpoint-" + partition;
    }

    private OptionalLong compareAndSet(String key, ObjectNode value, long expectedRevision) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(value);
            KvCompareAndSet.Result r = KvCompareAndSet.update(kv, key, bytes, expectedRevision);
            return r instanceof KvCompareAndSet.Written w ? OptionalLong.of(w.revision()) : OptionalLong.empty();
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            // IllegalStateException: the client refuses to publish while disconnected (no reconnect buffer);
            // CancellationException is one too
            throw unavailable("write '" + key + "'", e);
        }
    }

    /** A JSON entry with its revision; an absent or deleted key is empty (with the revision of its marker). */
    private Versioned<JsonNode> readJson(String key) {
        Optional<KeyValueEntry> entry = readFromLeader(key);
        if (entry.isEmpty()) {
            return new Versioned<>(Optional.empty(), 0);
        }
        KeyValueEntry e = entry.get();
        if (e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            return new Versioned<>(Optional.empty(), e.getRevision());
        }
        try {
            return new Versioned<>(Optional.of(JSON.readTree(e.getValue())), e.getRevision());
        } catch (IOException ex) {
            throw new StoreMisconfigured("entry '" + key + "' of bucket " + BUCKET + " is not JSON", ex);
        }
    }

    /**
     * The key's last entry from {@code $JS.API.STREAM.MSG.GET}, which the stream leader answers.
     *
     * @return empty when the key was never written (or was purged)
     */
    private Optional<KeyValueEntry> readFromLeader(String key) {
        String stream = "KV_" + BUCKET;
        byte[] request = ("{\"last_by_subj\":\"$KV." + BUCKET + "." + key + "\"}").getBytes(StandardCharsets.UTF_8);
        Duration timeout = connection.getOptions().getConnectionTimeout();
        Message reply;
        try {
            reply = connection
                    .requestWithTimeout(JS_API + "STREAM.MSG.GET." + stream, request, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw unavailable("read '" + key + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("read '" + key + "'", e);
        }
        MessageInfo info = new MessageInfo(reply, stream, false);
        if (info.hasError()) {
            if (info.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
                return Optional.empty();
            }
            throw unavailable("read '" + key + "'", new JetStreamApiException(info.getErrorObject()));
        }
        return Optional.of(new KeyValueEntry(info));
    }

    private static EventStoreUnavailable unavailable(String what, Exception cause) {
        return new EventStoreUnavailable("process state bucket: cannot " + what + ": " + cause, cause);
    }
}
