package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.PublishOptions;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-id index in a NATS KV bucket next to the stream: bucket {@code <store>-commands} (configurable), one key
 * per command id ({@code c.<base64url(SHA-256(command id))>}, so any id fits the key alphabet), value the JSON of the
 * {@link CommandRecord}, e.g. {@code {"command":"cmd-7","category":"prescription","id":"rx-42",
 * "stream":"2026-11-30T18:30:01.123456789Z","outcome":"appended","first":1042,"last":1043}}. The bucket keeps one revision per key, has the stream's replicas and a max age of {@link
 * NatsEventStoreConfig#commandRetention()} (7 days by default): the retention of idempotency.
 *
 * <p>Guarantees: {@link #find} asks the bucket's stream leader ({@code STREAM.MSG.GET}), never a possibly lagging
 * replica, and fails with {@link EventStoreUnavailable} when it cannot; a record with another command id under the same
 * key (a SHA-256 collision) is reported as unknown. {@link #record} publishes asynchronously and never throws; failed
 * records are logged and counted ({@link #failedRecords()}).
 *
 * <pre>{@code
 * NatsCommandIndex index = NatsCommandIndex.create(nc, NatsEventStoreConfig.of("pharmacy"));
 * CommandRuntime runtime = CommandRuntime.builder(store).commandIndex(index).build();
 * }</pre>
 */
public final class NatsCommandIndex implements CommandIndex {
    private static final Logger LOG = LoggerFactory.getLogger(NatsCommandIndex.class);
    private static final String KV_OPERATION = "KV-Operation";

    private final Connection connection;
    private final JetStream jetStream;
    private final String bucket;
    private final String kvStream;
    private final String leaderGetSubject;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong failedRecords = new AtomicLong();

    private NatsCommandIndex(Connection connection, String bucket, Duration timeout) throws IOException {
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.bucket = bucket;
        this.kvStream = "KV_" + bucket;
        this.leaderGetSubject = "$JS.API.STREAM.MSG.GET." + kvStream;
        this.timeout = timeout;
    }

    /**
     * Creates the bucket if missing (one revision per key, file storage, max age = the configured retention) and
     * returns the index. An existing bucket is used as it is (its max age is then the retention).
     *
     * @throws StoreMisconfigured when the bucket is missing and provisioning is off, or cannot be created
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public static NatsCommandIndex create(Connection connection, NatsEventStoreConfig config) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(config, "config");
        StreamProvisioning.requireServerVersion(connection);
        String bucket = config.commandBucket();
        StreamProvisioning.ensureBucket(
                connection,
                config,
                "command index bucket",
                KeyValueConfiguration.builder()
                        .name(bucket)
                        .description("Verdict command ids of store " + config.storeName())
                        .storageType(StorageType.File)
                        .maxHistoryPerKey(1)
                        .ttl(config.commandRetention())
                        .replicas(config.commandReplicas())
                        .build());
        try {
            return new NatsCommandIndex(connection, bucket, config.requestTimeout());
        } catch (IOException e) {
            throw new EventStoreUnavailable(
                    "cannot provision command index bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Optional<CommandRecord>> find(String commandId) {
        Objects.requireNonNull(commandId, "commandId");
        byte[] request = ("{\"last_by_subj\":\"" + subject(commandId) + "\"}").getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(leaderGetSubject, request, timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new EventStoreUnavailable(
                    "cannot look up command '" + commandId + "' in bucket '" + bucket + "': " + e.getMessage(), e));
        }
        return reply.handle((m, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new EventStoreUnavailable(
                        "cannot look up command '" + commandId + "' in bucket '" + bucket + "': " + cause.getMessage(),
                        cause);
            }
            return parseAnswer(commandId, m);
        });
    }

    private Optional<CommandRecord> parseAnswer(String commandId, Message m) {
        if (m == null || m.isStatusMessage()) {
            throw new EventStoreUnavailable(
                    "cannot look up command '" + commandId + "' in bucket '" + bucket + "': "
                            + (m == null ? "no answer" : m.getStatus()),
                    null);
        }
        MessageInfo info = new MessageInfo(m, kvStream, false);
        if (info.hasError()) {
            if (info.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
                return Optional.empty();
            }
            throw new EventStoreException(
                    "cannot look up command '" + commandId + "' in bucket '" + bucket + "': " + info.getError());
        }
        Headers headers = info.getHeaders();
        String operation = headers == null ? null : headers.getFirst(KV_OPERATION);
        if (operation != null || info.getData() == null || info.getData().length == 0) {
            return Optional.empty(); // deleted or purged by hand
        }
        try {
            return Optional.of(parse(info.getData())).filter(r -> r.commandId().equals(commandId));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable record of command '{}' in bucket '{}': {}", commandId, bucket, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void record(CommandRecord record) {
        try {
            jetStream
                    .publishAsync(subject(record.commandId()), serialize(record))
                    .whenComplete((ack, error) -> {
                        if (error != null) {
                            failed(record, error);
                        }
                    });
        } catch (RuntimeException | IOException e) {
            failed(record, e);
        }
    }

    private void failed(CommandRecord record, Throwable error) {
        failedRecords.incrementAndGet();
        LOG.warn(
                "cannot record command '{}' on {} in bucket '{}' (a re-send after the server's duplicate window"
                        + " would not be recognised by the index): {}",
                record.commandId(),
                record.entity(),
                bucket,
                error.toString());
    }

    /**
     * Writes the missing records of commands whose events were stored since {@code since}: the index is written after
     * an append, so a process that dies in between leaves a command with events but no record. Reads the store's
     * stream from {@code since} with an ordered consumer (every message, all entities – run it after a crash for the
     * time around it, not routinely), groups events by command id and creates each command's {@code Appended} record
     * only where none exists (an existing record, whatever it says, is kept). Messages that are not Verdict events
     * are skipped.
     *
     * <pre>{@code
     * long written = index.repair(store, crashedAt.minus(Duration.ofMinutes(5)));
     * }</pre>
     *
     * @return how many records were written
     * @throws EventStoreUnavailable when the stream or the bucket cannot be reached
     */
    public long repair(NatsEventStore store, Instant since) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(since, "since");
        String stream = store.name().value();
        String identity = store.streamIdentity();
        Map<String, CommandRecord.Appended> found = new LinkedHashMap<>();
        try {
            long last = connection
                    .jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getLastSequence();
            OrderedConsumerContext consumer = connection
                    .getStreamContext(stream)
                    .createOrderedConsumer(new OrderedConsumerConfiguration()
                            .filterSubject(stream + ".>")
                            .deliverPolicy(DeliverPolicy.ByStartTime)
                            .startTime(since.atZone(ZoneOffset.UTC)));
            try (IterableConsumer messages = consumer.iterate()) {
                while (true) {
                    Message m = messages.nextMessage(timeout);
                    if (m == null) {
                        break; // nothing (more) stored since then
                    }
                    long sequence = m.metaData().streamSequence();
                    try {
                        RecordedEvent event = NatsRecordedEvents.fromMessage(store.name(), m);
                        found.merge(
                                event.commandId(),
                                new CommandRecord.Appended(
                                        event.commandId(), event.entity(), identity, sequence, sequence),
                                (first, next) -> new CommandRecord.Appended(
                                        first.commandId(),
                                        first.entity(),
                                        identity,
                                        first.firstSequence(),
                                        next.lastSequence()));
                    } catch (RuntimeException notAnEvent) {
                        LOG.debug("repair of '{}' skips message {}: {}", bucket, sequence, notAnEvent.toString());
                    }
                    if (sequence >= last) {
                        break;
                    }
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot read stream '" + stream + "' to repair '" + bucket + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while repairing '" + bucket + "'", e);
        } catch (Exception e) {
            throw new EventStoreUnavailable("cannot repair '" + bucket + "': " + e, e);
        }
        long written = 0;
        PublishOptions absent =
                PublishOptions.builder().expectedLastSubjectSequence(0).build();
        for (CommandRecord.Appended record : found.values()) {
            try {
                jetStream.publish(subject(record.commandId()), serialize(record), absent);
                written++;
            } catch (JetStreamApiException e) {
                if (!JetStreamErrors.isWrongLastSequence(e.getApiErrorCode())) {
                    throw new EventStoreUnavailable(
                            "cannot write the record of command '" + record.commandId() + "': " + e, e);
                }
                // recorded already
            } catch (IOException e) {
                throw new EventStoreUnavailable(
                        "cannot write the record of command '" + record.commandId() + "': " + e, e);
            }
        }
        LOG.info(
                "repaired command index '{}' from {}: {} command(s) found, {} record(s) written",
                bucket,
                since,
                found.size(),
                written);
        return written;
    }

    /** Records that could not be written since this index was created. */
    public long failedRecords() {
        return failedRecords.get();
    }

    /** The bucket's name. */
    public String bucket() {
        return bucket;
    }

    /** The KV key of a command id: {@code c.} and the unpadded base64url SHA-256 of the id. */
    static String key(String commandId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(commandId.getBytes(StandardCharsets.UTF_8));
            return "c." + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private String subject(String commandId) {
        return "$KV." + bucket + "." + key(commandId);
    }

    private byte[] serialize(CommandRecord record) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("command", record.commandId());
        node.put("category", record.entity().category().value());
        node.put("id", record.entity().id().value());
        node.put("stream", record.streamIdentity());
        if (record instanceof CommandRecord.Appended appended) {
            node.put("outcome", "appended");
            node.put("first", appended.firstSequence());
            node.put("last", appended.lastSequence());
        } else if (record instanceof CommandRecord.Rejected rejected) {
            node.put("outcome", "rejected");
            node.put("version", rejected.version());
            node.put("code", rejected.code());
            node.put("message", rejected.message());
        } else if (record instanceof CommandRecord.Unchanged unchanged) {
            node.put("outcome", "unchanged");
            node.put("version", unchanged.version());
        }
        return json.writeValueAsBytes(node);
    }

    private CommandRecord parse(byte[] value) throws IOException {
        JsonNode node = json.readTree(value);
        String commandId = text(node, "command");
        EntityRef entity = EntityRef.of(text(node, "category"), text(node, "id"));
        String stream = node.has("stream") ? text(node, "stream") : "";
        String outcome = text(node, "outcome");
        switch (outcome) {
            case "appended":
                return new CommandRecord.Appended(
                        commandId, entity, stream, number(node, "first"), number(node, "last"));
            case "rejected":
                return new CommandRecord.Rejected(
                        commandId, entity, stream, number(node, "version"), text(node, "code"), text(node, "message"));
            case "unchanged":
                return new CommandRecord.Unchanged(commandId, entity, stream, number(node, "version"));
            default:
                throw new IllegalArgumentException("unknown outcome '" + outcome + "'");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not an integer");
        }
        return value.asLong();
    }
}
