package dev.verdict.store.nats;

import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.capture.CaptureHeader;
import dev.verdict.store.capture.CapturedKeyValue;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Takes a {@link HistoryCapture} of a Verdict stream on a live connection: the stored messages (all, or those of some
 * categories, of a sequence range, of at most N entities) exactly as stored, the snapshots of the captured entities
 * and, optionally, the command-index entries of the commands that wrote them. Reads with an ordered consumer, so it
 * never changes the stream; it stops at the stream's last sequence when the capture starts.
 *
 * <p>Guarantees: every captured message carries its stored subject, headers (every name and value), payload
 * bytes and server timestamp; the header records the stream's identity (its creation time, the value {@link
 * NatsEventStore#streamIdentity()} reports) and the configurations of the captured streams; with {@link
 * #maxEntities}, the entities are the first N (by their first event) of the selection, each with its whole history
 * inside the range.
 *
 * <pre>{@code
 * HistoryCapture capture = StreamCapture.of(connection, NatsEventStoreConfig.of("pharmacy"))
 *         .categories(Category.of("prescription"), Category.of("inventory"))
 *         .maxEntities(50)
 *         .capture();
 * capture.write(Path.of("src/test/resources/history/release-4d81536.jsonl"));
 * }</pre>
 */
public final class StreamCapture {
    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final List<Category> categories = new ArrayList<>();
    private long fromSequence = 1;
    private long toSequence = Long.MAX_VALUE;
    private int maxEntities = Integer.MAX_VALUE;
    private boolean snapshots = true;
    private boolean commandIndex = false;
    private Optional<String> verdictVersion = Optional.empty();
    private Clock clock = Clock.systemUTC();
    private Duration timeout;
    private LongConsumer progress = sequence -> {};

    private StreamCapture(Connection connection, NatsEventStoreConfig config) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.config = Objects.requireNonNull(config, "config");
        this.timeout = config.requestTimeout();
    }

    /** A capture of the stream and buckets {@code config} names, on {@code connection} (which stays open). */
    public static StreamCapture of(Connection connection, NatsEventStoreConfig config) {
        return new StreamCapture(connection, config);
    }

    /** Only the messages of these categories (default: every message of the stream). */
    public StreamCapture categories(Category... categories) {
        this.categories.addAll(List.of(categories));
        return this;
    }

    /** Only the messages with sequences {@code from..to}, both included. */
    public StreamCapture sequences(long from, long to) {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("need 1 <= from <= to, were " + from + " and " + to);
        }
        this.fromSequence = from;
        this.toSequence = to;
        return this;
    }

    /** Only the messages of the first {@code max} entities (subjects), by their first message in the selection. */
    public StreamCapture maxEntities(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max entities must be at least 1, was " + max);
        }
        this.maxEntities = max;
        return this;
    }

    /** Whether to capture the captured entities' snapshots from the snapshot bucket (default yes). */
    public StreamCapture snapshots(boolean capture) {
        this.snapshots = capture;
        return this;
    }

    /** Whether to capture the command-index entries of the captured messages' commands (default no). */
    public StreamCapture commandIndex(boolean capture) {
        this.commandIndex = capture;
        return this;
    }

    /** The Verdict version to record (default: the framework jar's implementation version, else "unknown"). */
    public StreamCapture verdictVersion(String version) {
        this.verdictVersion = Optional.of(version);
        return this;
    }

    /**
     * Called on the capturing thread with the stream sequence of each message read (selected or not), in order – for
     * a progress display; the capture ends at the stream's last sequence when it started.
     */
    public StreamCapture progress(LongConsumer readUpTo) {
        this.progress = Objects.requireNonNull(readUpTo, "readUpTo");
        return this;
    }

    /** The clock of the capture time (default: the system's, UTC). */
    public StreamCapture clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Reads the selection and returns it.
     *
     * @throws IOException when the server cannot be reached or a read fails
     * @throws IllegalStateException when the stream does not exist
     */
    public HistoryCapture capture() throws IOException {
        String stream = config.storeName().value();
        StreamInfo info = streamInfo(stream)
                .orElseThrow(() -> new IllegalStateException("stream '" + stream + "' does not exist"));
        Map<String, String> streamConfigs = new LinkedHashMap<>();
        streamConfigs.put(stream, info.getConfiguration().toJson());
        long last = Math.min(toSequence, info.getStreamState().getLastSequence());
        List<CapturedMessage> messages = last >= fromSequence ? messages(stream, last) : List.of();
        List<CapturedKeyValue> keyValues = new ArrayList<>();
        Set<String> subjects = new LinkedHashSet<>();
        Set<String> commands = new LinkedHashSet<>();
        messages.forEach(m -> {
            subjects.add(m.subject());
            m.header(NatsEventHeaders.COMMAND_ID).ifPresent(commands::add);
        });
        if (snapshots) {
            List<String> keys = new ArrayList<>();
            for (String subject : subjects) {
                keys.add(entityOf(subject, stream).key());
            }
            keyValues.addAll(entries(config.snapshotBucket(), keys, streamConfigs));
        }
        if (commandIndex) {
            keyValues.addAll(entries(
                    config.commandBucket(),
                    commands.stream().map(NatsCommandIndex::key).toList(),
                    streamConfigs));
        }
        CaptureHeader header = new CaptureHeader(
                HistoryCapture.FORMAT,
                stream,
                NatsEventStore.identityOf(info),
                clock.instant(),
                verdictVersion.orElseGet(StreamCapture::frameworkVersion),
                streamConfigs);
        return new HistoryCapture(header, messages, keyValues);
    }

    /**
     * The recorded event of a captured message, read exactly as the store reads a stored message (the same checks of
     * subject and headers; the payload is not decoded).
     *
     * @throws dev.verdict.store.EventDecodingFailed when the message is not a Verdict event of {@code store}
     */
    public static RecordedEvent recordedEvent(StoreName store, CapturedMessage message) {
        Headers h = new Headers();
        message.headers().forEach(h::put);
        return NatsRecordedEvents.from(
                store, store.value(), message.subject(), message.sequence(), message.storedAt(), h, message.payload());
    }

    private List<CapturedMessage> messages(String stream, long last) throws IOException {
        List<String> filters =
                categories.stream().map(c -> stream + "." + c.value() + ".*").toList();
        OrderedConsumerConfiguration occ = new OrderedConsumerConfiguration()
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(fromSequence);
        if (!filters.isEmpty()) {
            occ.filterSubjects(filters);
        }
        List<CapturedMessage> messages = new ArrayList<>();
        if (!filters.isEmpty() && !anyMessageOn(stream, filters)) {
            return messages; // no consumer to wait on for nothing
        }
        Set<String> entities = new LinkedHashSet<>();
        try (IterableConsumer consumer =
                connection.getStreamContext(stream).createOrderedConsumer(occ).iterate()) {
            while (true) {
                Message m = consumer.nextMessage(timeout);
                if (m == null) {
                    break; // nothing more of the selection before the last sequence
                }
                NatsJetStreamMetaData meta = m.metaData();
                long sequence = meta.streamSequence();
                if (sequence > last) {
                    break;
                }
                progress.accept(sequence);
                if (entities.contains(m.getSubject()) || entities.size() < maxEntities) {
                    entities.add(m.getSubject());
                    messages.add(new CapturedMessage(
                            sequence,
                            m.getSubject(),
                            headers(m.getHeaders()),
                            m.getData() == null ? new byte[0] : m.getData(),
                            meta.timestamp().toInstant()));
                }
                if (sequence == last || meta.pendingCount() == 0) {
                    break;
                }
            }
        } catch (JetStreamApiException e) {
            throw new IOException("cannot read stream '" + stream + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading stream '" + stream + "'", e);
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot read stream '" + stream + "': " + e.getMessage(), e);
        }
        return messages;
    }

    /** Whether the stream holds a message on any of {@code filters}. */
    private boolean anyMessageOn(String stream, List<String> filters) throws IOException {
        try {
            for (String filter : filters) {
                StreamInfo info = connection
                        .jetStreamManagement()
                        .getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
                if (!info.getStreamState().getSubjects().isEmpty()) {
                    return true;
                }
            }
            return false;
        } catch (JetStreamApiException e) {
            throw new IOException("cannot read the subjects of stream '" + stream + "': " + e.getMessage(), e);
        }
    }

    /** The latest entries of {@code keys} in {@code bucket} (a missing bucket or key is skipped). */
    private List<CapturedKeyValue> entries(String bucket, List<String> keys, Map<String, String> streamConfigs)
            throws IOException {
        Optional<StreamInfo> info = streamInfo("KV_" + bucket);
        if (info.isEmpty()) {
            return List.of();
        }
        streamConfigs.put("KV_" + bucket, info.get().getConfiguration().toJson());
        KeyValue kv = connection.keyValue(bucket);
        List<CapturedKeyValue> entries = new ArrayList<>();
        try {
            for (String key : keys) {
                KeyValueEntry entry = kv.get(key);
                if (entry != null && entry.getValue() != null) {
                    entries.add(new CapturedKeyValue(bucket, key, entry.getRevision(), entry.getValue()));
                }
            }
        } catch (JetStreamApiException e) {
            throw new IOException("cannot read bucket '" + bucket + "': " + e.getMessage(), e);
        }
        return entries;
    }

    private Optional<StreamInfo> streamInfo(String stream) throws IOException {
        try {
            return Optional.of(connection.jetStreamManagement().getStreamInfo(stream));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) { // stream not found
                return Optional.empty();
            }
            throw new IOException("cannot read the information of stream '" + stream + "': " + e.getMessage(), e);
        }
    }

    private static EntityRef entityOf(String subject, String stream) {
        return NatsRecordedEvents.entityOf(StoreName.of(stream), stream, subject, 0, null);
    }

    private static Map<String, List<String>> headers(Headers h) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (h != null) {
            for (String name : h.keySet()) {
                headers.put(name, List.copyOf(h.get(name)));
            }
        }
        return headers;
    }

    private static String frameworkVersion() {
        String version = StreamCapture.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
