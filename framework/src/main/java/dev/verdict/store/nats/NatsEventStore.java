package dev.verdict.store.nats;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.internal.EventIds;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore} on NATS JetStream: one stream per store, one subject per entity ({@code
 * <store>.<category>.<id>}), version = stream sequence of the entity's last event.
 *
 * <p>Guarantees (beyond {@link EventStore}'s):
 *
 * <ul>
 *   <li>a one-event append is one publish with {@code Nats-Expected-Last-Subject-Sequence}; a multi-event append is
 *       one ADR-50 atomic batch with the expectation on its first message – all events are stored or none, on
 *       contiguous sequences;
 *   <li>every event carries {@code Nats-Msg-Id = <commandId>:<index>}: a re-sent command inside the duplicate window
 *       stores nothing and returns the original sequences with {@code duplicate = true} (a batch rejected as a
 *       duplicate is confirmed by reading the original events back);
 *   <li>every message's size (payload and headers) is checked against the server's maximum payload before anything
 *       is published: {@link EventTooLarge} means nothing was written;
 *   <li>no answer in time, a lost connection or no responders is {@link EventStoreUnavailable}: the outcome is
 *       unknown and re-sending with the same command id is safe;
 *   <li>reads use batch direct gets (no consumer is created, nothing is left behind) and fail with {@code
 *       EventDecodingFailed} on a message that is not a Verdict event.
 * </ul>
 *
 * <p>Thread-safe: one instance serves all threads of an application (appends to different entities run in
 * parallel; keep one entity's commands sequential to avoid needless conflicts).
 *
 * <p>Bring your own {@link Connection} (auth, TLS, reconnects are yours; see {@code docs/nats-mapping.md} for
 * recommended options). The store does not close it.
 *
 * <pre>{@code
 * Connection nc = Nats.connect(Options.builder().server(url).maxReconnects(-1).build());
 * NatsEventStore store = NatsEventStore.create(nc, NatsEventStoreConfig.of("pharmacy"));
 * EntityRef rx = EntityRef.of("prescription", "rx-42");
 * store.append(rx, 0, List.of(codec.encode(new Ordered("aspirin", 2))), CommandContext.create());
 * }</pre>
 */
public final class NatsEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(NatsEventStore.class);

    /** Most events one append may carry: the server's limit for an atomic batch. */
    public static final int MAX_EVENTS_PER_APPEND = 1000;

    static final String EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";
    static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    static final String BATCH_ID = "Nats-Batch-Id";
    static final String BATCH_SEQUENCE = "Nats-Batch-Sequence";
    static final String BATCH_COMMIT = "Nats-Batch-Commit";

    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;
    private static final int BATCH_DUPLICATE = 10201;
    private static final Pattern ACTUAL_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");
    /** Events read by one batch direct get before a read switches to a consumer (see docs/nats-mapping.md). */
    static final int DIRECT_READ_LIMIT = 256;

    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final StoreName name;
    private final String stream;
    private final Duration timeout;
    private final DirectBatchReader reader;
    private final String directGetSubject;
    private final ConsumerReader consumerReader;
    private final Clock clock;
    private final MultiSubjectBatch acrossEntities;

    private NatsEventStore(Connection connection, NatsEventStoreConfig config, Clock clock) throws IOException {
        this.connection = connection;
        this.config = config;
        this.name = config.storeName();
        this.stream = name.value();
        this.timeout = config.requestTimeout();
        this.reader = new DirectBatchReader(connection, stream, timeout, DIRECT_READ_LIMIT);
        this.directGetSubject = "$JS.API.DIRECT.GET." + stream;
        this.consumerReader = new ConsumerReader(connection, stream, timeout);
        this.clock = clock;
        this.acrossEntities = new MultiSubjectBatch(this, connection, stream, timeout, clock);
    }

    /**
     * Provisions (or verifies) the store's stream and returns the store.
     *
     * @throws dev.verdict.store.StoreMisconfigured when the server is older than 2.12, the existing stream's
     *     configuration differs, or the server dropped a setting Verdict depends on
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public static NatsEventStore create(Connection connection, NatsEventStoreConfig config) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(config, "config");
        StreamProvisioning.ensure(connection, config);
        try {
            return new NatsEventStore(connection, config, Clock.systemUTC());
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot use JetStream: " + e.getMessage(), e);
        }
    }

    /** The stream configuration Verdict provisions for this configuration (what {@code create} checks against). */
    public static StreamConfiguration streamConfiguration(NatsEventStoreConfig config) {
        return StreamProvisioning.desired(config);
    }

    @Override
    public StoreName name() {
        return name;
    }

    /** The configuration this store was created with. */
    public NatsEventStoreConfig config() {
        return config;
    }

    @Override
    public AppendResult append(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(context, "context");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0, was " + expectedVersion);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one event");
        }
        if (events.size() > MAX_EVENTS_PER_APPEND) {
            throw new IllegalArgumentException("an append may carry at most " + MAX_EVENTS_PER_APPEND
                    + " events (the server's atomic batch limit), got " + events.size());
        }
        String subject = entity.subject(stream);
        List<Message> messages = messages(subject, expectedVersion, events, context);
        requireSizes(entity, events, messages);
        try {
            if (messages.size() == 1) {
                return appendOne(entity, expectedVersion, messages.get(0));
            }
            return appendBatch(entity, expectedVersion, messages, context);
        } catch (ConcurrencyConflict conflict) {
            // The server may check the expectation before deduplicating: a re-sent command whose original append
            // succeeded then looks like a conflict. Its events, if stored, are in the tail after expectedVersion.
            Optional<AppendResult> original = findOriginal(entity, expectedVersion, context, events.size(), conflict);
            if (original.isPresent()) {
                return original.get();
            }
            throw conflict;
        }
    }

    /**
     * One ADR-50 atomic batch over the entities' subjects: each written entity's first message carries {@code
     * Nats-Expected-Last-Subject-Sequence}, each entity only read is guarded with {@code
     * Nats-Expected-Last-Subject-Sequence-Subject} on a later message (one guard per message: at most as many entities
     * as events); 10071/10164 become {@link dev.verdict.store.ConflictAcrossEntities}, 10201 is confirmed as a
     * duplicate by reading the original events back. With one entity this is {@link #append}: one event is a plain
     * publish.
     */
    @Override
    public AppendAcrossResult appendAcross(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        return acrossEntities.append(guards, events, context);
    }

    private Optional<AppendResult> findOriginal(
            EntityRef entity, long expectedVersion, CommandContext context, int n, ConcurrencyConflict conflict) {
        Map<String, Integer> wanted = new HashMap<>();
        for (int i = 0; i < n; i++) {
            wanted.put(context.messageId(i), i);
        }
        long[] found = new long[n];
        int[] count = {0};
        scanForIds(entity.subject(stream), expectedVersion + 1, wanted, found, count);
        if (count[0] == 0) {
            return Optional.empty();
        }
        if (count[0] < n) {
            throw new EventStoreException(
                    "command '" + context.commandId() + "' on " + entity + " conflicts, and only "
                            + count[0] + " of its " + n
                            + " events are stored: was the command id reused for a different"
                            + " decision?",
                    conflict);
        }
        List<Long> sequences = new ArrayList<>(n);
        for (long s : found) {
            sequences.add(s);
        }
        LOG.debug(
                "append to {} of command {} was a re-send; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return Optional.of(new AppendResult(entity, sequences, true));
    }

    private List<Message> messages(
            String subject, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        Instant now = clock.instant();
        boolean batch = events.size() > 1;
        String batchId = batch ? EventIds.next() : null;
        List<Message> messages = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EncodedEvent event = Objects.requireNonNull(events.get(i), "event " + i);
            Headers h = NatsEventHeaders.of(event, i, EventIds.next(), now, context);
            if (i == 0) {
                h.put(EXPECTED_STREAM, stream);
                h.put(EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedVersion));
            }
            if (batch) {
                h.put(BATCH_ID, batchId);
                h.put(BATCH_SEQUENCE, Integer.toString(i + 1));
                if (i == events.size() - 1) {
                    h.put(BATCH_COMMIT, "1");
                }
            }
            messages.add(NatsMessage.builder()
                    .subject(subject)
                    .headers(h)
                    .data(event.payload())
                    .build());
        }
        return messages;
    }

    private void requireSizes(EntityRef entity, List<EncodedEvent> events, List<Message> messages) {
        long max = connection.getMaxPayload();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            long size = (long) m.getHeaders().serializedLength() + m.getData().length;
            if (max > 0 && size > max) {
                throw new EventTooLarge("event " + i + " (" + events.get(i).type() + ") of " + entity + " is " + size
                        + " bytes with headers, more than the server's maximum payload of " + max
                        + " bytes; nothing was stored");
            }
        }
    }

    private AppendResult appendOne(EntityRef entity, long expectedVersion, Message message) {
        try {
            PublishAck ack = new PublishAck(request(entity, message));
            return new AppendResult(entity, List.of(ack.getSeqno()), ack.isDuplicate());
        } catch (JetStreamApiException e) {
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw new EventStoreException("unreadable acknowledgement for " + entity + ": " + e.getMessage(), e);
        }
    }

    private AppendResult appendBatch(
            EntityRef entity, long expectedVersion, List<Message> messages, CommandContext context) {
        int n = messages.size();
        try {
            Message first = request(entity, messages.get(0));
            if (first.getData() != null && first.getData().length > 0) {
                PublishAck ignored = new PublishAck(first); // throws on an error answer
                LOG.trace("first message of batch for {} answered {}", entity, ignored);
            }
            for (int i = 1; i < n - 1; i++) {
                connection.publish(messages.get(i));
            }
            PublishAck ack = new PublishAck(request(entity, messages.get(n - 1)));
            if (ack.getBatchSize() != n) {
                throw new EventStoreException("the server acknowledged a batch of " + ack.getBatchSize()
                        + " messages for " + entity + " but " + n + " were sent (is the stream's allow_atomic set?)");
            }
            List<Long> sequences = new ArrayList<>(n);
            for (long s = ack.getSeqno() - n + 1; s <= ack.getSeqno(); s++) {
                sequences.add(s);
            }
            return new AppendResult(entity, sequences, false);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == BATCH_DUPLICATE) {
                return confirmDuplicate(entity, expectedVersion, context, n, e);
            }
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw new EventStoreException("unreadable acknowledgement for " + entity + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot publish to " + entity + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server refused the batch because its message ids were seen: the command was appended before (a retry after
     * a lost acknowledgement). Find the original events to report their sequences; never append twice.
     */
    private AppendResult confirmDuplicate(
            EntityRef entity, long expectedVersion, CommandContext context, int n, JetStreamApiException cause) {
        Map<String, Integer> wanted = new HashMap<>();
        for (int i = 0; i < n; i++) {
            wanted.put(context.messageId(i), i);
        }
        long[] found = new long[n];
        int[] count = {0};
        String subject = entity.subject(stream);
        scanForIds(subject, expectedVersion + 1, wanted, found, count);
        if (count[0] < n && expectedVersion > 0) {
            scanForIds(subject, 1, wanted, found, count);
        }
        if (count[0] < n) {
            throw new EventStoreException(
                    "the server rejected the append to " + entity + " as a duplicate of command '"
                            + context.commandId() + "', but only " + count[0] + " of its " + n + " events are on "
                            + subject
                            + ": was the command id reused for another entity or a different decision?",
                    cause);
        }
        List<Long> sequences = new ArrayList<>(n);
        for (long s : found) {
            sequences.add(s);
        }
        LOG.debug(
                "batch for {} of command {} was a duplicate; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return new AppendResult(entity, sequences, true);
    }

    private void scanForIds(String subject, long from, Map<String, Integer> wanted, long[] found, int[] count) {
        reader.scan(subject, from, info -> {
            Headers h = info.getHeaders();
            String id = h == null ? null : h.getFirst(NatsEventHeaders.MSG_ID);
            Integer index = id == null ? null : wanted.get(id);
            if (index != null && found[index] == 0) {
                found[index] = info.getSeq();
                count[0]++;
            }
            return count[0] < found.length;
        });
    }

    private EventStoreException failure(EntityRef entity, long expectedVersion, JetStreamApiException e) {
        int code = e.getApiErrorCode();
        if (code == WRONG_LAST_SEQUENCE || code == WRONG_LAST_SEQUENCE_CLUSTERED) {
            Matcher m = ACTUAL_SEQUENCE.matcher(String.valueOf(e.getErrorDescription()));
            OptionalLong actual = m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
            return new ConcurrencyConflict(entity, expectedVersion, actual);
        }
        return new EventStoreException(
                "the server refused the append to " + entity + ": " + e.getErrorDescription() + " (error " + code + ")",
                e);
    }

    private Message request(EntityRef entity, Message message) {
        try {
            Message reply = connection
                    .requestWithTimeout(message, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw unknownOutcome(entity, "no answer", null);
            }
            if (reply.isStatusMessage()) {
                throw unknownOutcome(entity, "status " + reply.getStatus(), null);
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknownOutcome(entity, "interrupted", e);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw unknownOutcome(entity, e.toString(), e);
        }
    }

    private EventStoreUnavailable unknownOutcome(EntityRef entity, String what, Throwable cause) {
        return new EventStoreUnavailable(
                "append to " + entity + " got no acknowledgement within " + timeout + " (" + what
                        + "); the events may or may not be stored – re-send with the same command id",
                cause);
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(sink, "sink");
        if (range.isEmpty()) {
            return new ReadResult(0, range.afterVersion());
        }
        String subject = entity.subject(stream);
        // A short tail comes in one batch direct get, which also tells where the subject ends: no version request.
        Fold fold = new Fold(subject, range, range.upToSequence(), sink);
        boolean exhausted = reader.scan(
                subject,
                range.afterVersion() + 1,
                info -> fold.accept(
                                info.getSeq(),
                                info.getTime().toInstant(),
                                () -> NatsRecordedEvents.fromMessageInfo(name, entity, info))
                        && fold.count < DIRECT_READ_LIMIT);
        if (!fold.done && !exhausted) {
            // A long history continues on an ephemeral consumer, bounded by the last sequence as of now.
            fold.end = Math.min(range.upToSequence(), version(entity));
            if (fold.last < fold.end) {
                consumerReader.scan(
                        subject,
                        fold.last + 1,
                        fold.end,
                        m -> fold.accept(
                                m.metaData().streamSequence(),
                                m.metaData().timestamp().toInstant(),
                                () -> NatsRecordedEvents.fromMessage(name, entity, m)));
            }
        }
        return new ReadResult(fold.count, fold.last);
    }

    /** Delivers events inside the range in order and says when to stop. */
    private static final class Fold {
        private final String subject;
        private final ReadRange range;
        private final Consumer<RecordedEvent> sink;
        long end;
        long count;
        long last;
        boolean done;

        Fold(String subject, ReadRange range, long end, Consumer<RecordedEvent> sink) {
            this.subject = subject;
            this.range = range;
            this.end = end;
            this.sink = sink;
            this.last = range.afterVersion();
        }

        /** @return whether to continue */
        boolean accept(long seq, Instant storedAt, java.util.function.Supplier<RecordedEvent> event) {
            if (seq > end
                    || (range.asOf().isPresent()
                            && storedAt.isAfter(range.asOf().get()))) {
                done = true;
                return false;
            }
            if (seq <= last) {
                throw new EventStoreException(
                        "read of '" + subject + "' returned sequence " + seq + " after " + last + ": out of order");
            }
            sink.accept(event.get());
            count++;
            last = seq;
            if (seq >= end) {
                done = true;
                return false;
            }
            return true;
        }
    }

    @Override
    public long version(EntityRef entity) {
        try {
            return versionAsync(entity).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while reading the version of " + entity, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new EventStoreException("cannot read the version of " + entity + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EventStoreUnavailable(
                    "cannot read the version of " + entity + ": no answer within " + timeout, e);
        }
    }

    /**
     * The version with one direct get of the subject's last message ({@code last_by_subj}), sent at once: the
     * future completes on the connection's thread when the server answers.
     */
    @Override
    public CompletableFuture<Long> versionAsync(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        byte[] request = ("{\"last_by_subj\":\"" + entity.subject(stream) + "\"}").getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(directGetSubject, request, timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(
                    new EventStoreUnavailable("cannot read the version of " + entity + ": " + e.getMessage(), e));
        }
        return reply.handle((m, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new EventStoreUnavailable(
                        "cannot read the version of " + entity + ": " + cause.getMessage(), cause);
            }
            return lastSequence(entity, m);
        });
    }

    private long lastSequence(EntityRef entity, Message m) {
        if (m == null) {
            throw new EventStoreUnavailable("cannot read the version of " + entity + ": no answer", null);
        }
        if (m.isStatusMessage()) {
            int code = m.getStatus().getCode();
            if (code == 404) {
                return 0; // no message on the subject: a new entity
            }
            if (code == 503 || code == 408) {
                throw new EventStoreUnavailable(
                        "cannot read the version of " + entity + ": "
                                + m.getStatus().getMessage() + " (" + code + ")",
                        null);
            }
            throw new EventStoreException("cannot read the version of " + entity + ": "
                    + m.getStatus().getMessage() + " (status " + code + ")");
        }
        Headers h = m.getHeaders();
        String sequence = h == null ? null : h.getFirst(NatsJetStreamConstants.NATS_SEQUENCE);
        if (sequence == null) {
            throw new EventStoreException("cannot read the version of " + entity + ": the direct get answer has no "
                    + NatsJetStreamConstants.NATS_SEQUENCE + " header");
        }
        try {
            return Long.parseLong(sequence.trim());
        } catch (NumberFormatException e) {
            throw new EventStoreException(
                    "cannot read the version of " + entity + ": malformed sequence '" + sequence + "'", e);
        }
    }
}
