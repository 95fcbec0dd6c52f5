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
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 *   <li>reads, {@link #version} and the searches for a re-sent command's original events are consistent with the
 *       stream leader, also on a replicated stream whose replicas lag: the version comes from the leader ({@code
 *       STREAM.MSG.GET}); events come from batch direct gets (any replica) for as long as those reach the
 *       leader's last sequence of the subject, and from an ephemeral consumer for the rest (see
 *       docs/nats-mapping.md, "Consistent reads");
 *   <li>reads fail with {@code EventDecodingFailed} on a message that is not a Verdict event.
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

    private static final Pattern ACTUAL_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");
    /** Events read by one batch direct get before a read switches to a consumer (see docs/nats-mapping.md). */
    static final int DIRECT_READ_LIMIT = 256;

    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final StoreName name;
    private final String stream;
    private final Duration timeout;
    private final EntityReads reads;
    private final Clock clock;
    private final MultiSubjectBatch acrossEntities;

    /**
     * How long a read waits for a direct get before it reads on from the leader's side (a consumer): short, because
     * any replica may answer a direct get and a stalled one would otherwise stall the read for the request timeout.
     */
    static Duration directGetTimeout(Duration requestTimeout) {
        Duration limit = Duration.ofSeconds(2);
        return requestTimeout.compareTo(limit) < 0 ? requestTimeout : limit;
    }

    /** How often the stream's identity is re-read (on use, asynchronously): the delay to notice a recreation. */
    static final Duration IDENTITY_REFRESH = Duration.ofSeconds(5);

    private volatile String identity;
    private volatile long identityReadAt;
    private final AtomicBoolean identityRefreshing = new AtomicBoolean();

    private NatsEventStore(Connection connection, NatsEventStoreConfig config, Clock clock, String identity)
            throws IOException {
        this.connection = connection;
        this.config = config;
        this.name = config.storeName();
        this.stream = name.value();
        this.timeout = config.requestTimeout();
        this.reads = new EntityReads(connection, name, timeout);
        this.clock = clock;
        this.identity = identity;
        this.identityReadAt = System.nanoTime();
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
        StreamInfo info = StreamProvisioning.ensure(connection, config);
        try {
            return new NatsEventStore(connection, config, Clock.systemUTC(), identityOf(info));
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot use JetStream: " + e.getMessage(), e);
        }
    }

    /** The stream configuration Verdict provisions for this configuration (what {@code create} checks against). */
    public static StreamConfiguration streamConfiguration(NatsEventStoreConfig config) {
        return StreamProvisioning.desired(config);
    }

    /**
     * The settings Verdict relies on in which an existing stream differs from what this configuration provisions, one
     * sentence each ({@code "allow_atomic is false but must be true"}); empty when the stream is as {@code create}
     * requires it.
     *
     * <pre>{@code
     * List<String> wrong = NatsEventStore.streamDifferences(jsm.getStreamInfo("pharmacy").getConfiguration(), config);
     * }</pre>
     */
    public static List<String> streamDifferences(StreamConfiguration actual, NatsEventStoreConfig config) {
        return StreamProvisioning.differences(actual, StreamProvisioning.desired(config));
    }

    @Override
    public StoreName name() {
        return name;
    }

    /** The configuration this store was created with. */
    public NatsEventStoreConfig config() {
        return config;
    }

    /**
     * The stream's creation time (RFC 3339, nanoseconds, UTC) as the server reports it. Read when the store is created
     * and re-read asynchronously when a call finds it older than {@link #IDENTITY_REFRESH}: a recreated stream is
     * noticed within that delay (plus the time to the next call). A restored stream keeps the creation time of its
     * backup (nats-server restores it), so a restore is not told apart by the identity – the snapshot and cache checks
     * against the entity's version still apply.
     */
    @Override
    public String streamIdentity() {
        if (System.nanoTime() - identityReadAt > IDENTITY_REFRESH.toNanos()
                && identityRefreshing.compareAndSet(false, true)) {
            refreshIdentity();
        }
        return identity;
    }

    private void refreshIdentity() {
        try {
            connection
                    .requestWithTimeout("$JS.API.STREAM.INFO." + stream, new byte[0], timeout)
                    .whenComplete((m, error) -> {
                        try {
                            if (error == null && m != null && !m.isStatusMessage()) {
                                StreamInfo info = new StreamInfo(m);
                                if (!info.hasError()) {
                                    String now = identityOf(info);
                                    if (!now.equals(identity)) {
                                        LOG.warn(
                                                "stream '{}' was recreated (created {}, before {}): states derived"
                                                        + " from the old stream are discarded",
                                                stream,
                                                now,
                                                identity);
                                        identity = now;
                                    }
                                    identityReadAt = System.nanoTime();
                                }
                            }
                        } catch (RuntimeException e) {
                            LOG.debug("cannot re-read the identity of stream '{}': {}", stream, e.toString());
                        } finally {
                            identityRefreshing.set(false);
                        }
                    });
        } catch (RuntimeException e) {
            identityRefreshing.set(false);
            LOG.debug("cannot re-read the identity of stream '{}': {}", stream, e.toString());
        }
    }

    /** A stream's identity as {@link #streamIdentity()} reports it: its creation time. */
    static String identityOf(StreamInfo info) {
        return DateTimeFormatter.ISO_INSTANT.format(info.getCreateTime().toInstant());
    }

    @Override
    public AppendResult append(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        List<Message> messages = prepare(entity, expectedVersion, events, context);
        try {
            if (messages.size() == 1) {
                return onThisEntity(entity, appendOne(entity, expectedVersion, messages.get(0)), context);
            }
            return appendBatch(entity, expectedVersion, messages, context);
        } catch (ConcurrencyConflict conflict) {
            // The server may check the expectation before deduplicating: a re-sent command whose original append
            // succeeded then looks like a conflict. Its events, if stored, are in the tail after expectedVersion.
            return originalOrConflict(entity, expectedVersion, conflict, context);
        }
    }

    /** Validates an append and builds its messages (size-checked): what {@link #append} and {@link #appendAsync} send. */
    private List<Message> prepare(
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
        return messages;
    }

    /**
     * {@link #append} without waiting: a one-event append is one asynchronous publish request with the same headers
     * ({@code Nats-Expected-Last-Subject-Sequence}, {@code Nats-Msg-Id}) – no thread waits for the acknowledgement; the
     * future completes on the connection's thread when the server answers, or fails with {@link
     * EventStoreUnavailable} when no answer comes within the request timeout (plus one second). Runs on {@code
     * blocking}: a multi-event append (an atomic batch: its first message is a request whose answer must be awaited
     * before the rest is sent), and, after a conflict, the read of the entity's tail that tells a re-sent command (its
     * original events found: returned with {@code duplicate = true}) from a real conflict. Validation failures
     * ({@link EventTooLarge}, {@code IllegalArgumentException}) fail the future; nothing was sent.
     */
    @Override
    public CompletableFuture<AppendResult> appendAsync(
            EntityRef entity,
            long expectedVersion,
            List<EncodedEvent> events,
            CommandContext context,
            Executor blocking) {
        Objects.requireNonNull(blocking, "blocking");
        List<Message> messages;
        try {
            messages = prepare(entity, expectedVersion, events, context);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (messages.size() != 1) {
            return onExecutor(blocking, () -> append(entity, expectedVersion, events, context));
        }
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(messages.get(0), timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(unknownOutcome(entity, e.toString(), e));
        }
        return reply.orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                .handle((m, error) -> acknowledged(entity, expectedVersion, m, error))
                .thenCompose(result -> result.duplicate()
                        ? onExecutor(blocking, () -> onThisEntity(entity, result, context))
                        : CompletableFuture.completedFuture(result))
                .exceptionallyCompose(error -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof ConcurrencyConflict conflict) {
                        // as in append: a re-sent command whose original append succeeded may look like a conflict
                        return onExecutor(
                                blocking, () -> originalOrConflict(entity, expectedVersion, conflict, context));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /**
     * A one-event append the server acknowledged as a duplicate: the message it names must be this command's on this
     * entity's subject (one direct get, only for a re-send); when it is not, the command id was used before for another
     * entity, and that is refused as a batch's duplicate is ({@link #confirmDuplicate}), never reported as stored.
     */
    private AppendResult onThisEntity(EntityRef entity, AppendResult result, CommandContext context) {
        if (result.duplicate()
                && reads.originalSequences(entity, result.version(), result.version(), context, new ArrayList<>())
                        .isEmpty()) {
            throw reusedForAnotherEntity(entity, context, null);
        }
        return result;
    }

    private EventStoreException reusedForAnotherEntity(EntityRef entity, CommandContext context, Exception cause) {
        return new EventStoreException(
                "the server rejected the append to " + entity + " as a duplicate of command '" + context.commandId()
                        + "', but none of its events are on " + entity.subject(stream)
                        + ": was the command id reused for another entity?",
                cause);
    }

    /** The result of a one-event publish request, or what {@link #appendOne} would have thrown. */
    private AppendResult acknowledged(EntityRef entity, long expectedVersion, Message reply, Throwable error) {
        if (error != null) {
            Throwable cause = unwrap(error);
            throw unknownOutcome(entity, cause.toString(), cause);
        }
        if (reply == null) {
            throw unknownOutcome(entity, "no answer", null);
        }
        if (reply.isStatusMessage()) {
            throw unknownOutcome(entity, "status " + reply.getStatus(), null);
        }
        return published(entity, expectedVersion, reply);
    }

    /**
     * The result of a one-event publish from its acknowledgement: a plain acknowledgement is read directly ({@link
     * PublishAcks}); anything else – an error, an unexpected shape – by jnats' {@code PublishAck}, which reports it.
     */
    private AppendResult published(EntityRef entity, long expectedVersion, Message reply) {
        long read = PublishAcks.read(reply.getData());
        if (read != PublishAcks.NOT_PLAIN) {
            return new AppendResult(
                    entity, List.of(read & ~PublishAcks.DUPLICATE), (read & PublishAcks.DUPLICATE) != 0);
        }
        try {
            PublishAck ack = new PublishAck(reply);
            return new AppendResult(entity, List.of(ack.getSeqno()), ack.isDuplicate());
        } catch (JetStreamApiException e) {
            if (JetStreamErrors.isUnreadableAnswer(e)) {
                throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getErrorDescription(), e);
            }
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getMessage(), e);
        }
    }

    /** The cause of a failed future, without its completion wrappers. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Work on an executor; a refused task fails the future instead of being lost. */
    static <T> CompletableFuture<T> onExecutor(Executor executor, Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
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

    /** {@link #appendAcross} with the batch's requests sent asynchronously: no thread waits for the server. */
    @Override
    public CompletableFuture<AppendAcrossResult> appendAcrossAsync(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        Objects.requireNonNull(blocking, "blocking");
        return acrossEntities.appendAsync(guards, events, context, blocking);
    }

    /**
     * After a conflict: the original events of a re-sent command, if the tail after {@code expectedVersion} holds any
     * (the server may check the expectation before deduplicating) – else the conflict is thrown. All of the command's
     * events on the entity are reported, however many the re-send decided: a re-send decided on an older state may
     * have decided another number of events, but the command id says it is the same command, and it was stored once.
     * The search ends at the subject's last sequence the conflict reported, when it did ("wrong last sequence: N"): an
     * original stored before this append was refused lies at or before N. Bounded so, it is one batch direct get
     * (unbounded, on an entity others keep writing, it chased the moving end of the subject with an ephemeral
     * consumer), and the tail it read goes with the conflict thrown ({@link ConcurrencyConflict#missedEvents()}), so
     * the runtime catches up without reading it again.
     */
    private AppendResult originalOrConflict(
            EntityRef entity, long expectedVersion, ConcurrencyConflict conflict, CommandContext context) {
        OptionalLong actual = conflict.actualVersion();
        boolean bounded = actual.isPresent() && actual.getAsLong() > expectedVersion;
        List<RecordedEvent> tail = new ArrayList<>();
        List<Long> sequences = reads.originalSequences(
                entity, expectedVersion + 1, bounded ? actual.getAsLong() : Long.MAX_VALUE, context, tail);
        if (sequences.isEmpty()) {
            if (bounded
                    && !tail.isEmpty()
                    && tail.get(tail.size() - 1).sequence() == actual.getAsLong()
                    && conflict.missedEvents().isEmpty()) {
                throw new ConcurrencyConflict(entity, expectedVersion, actual, tail);
            }
            throw conflict;
        }
        LOG.debug(
                "append to {} of command {} was a re-send; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return new AppendResult(entity, sequences, true);
    }

    List<Long> originalSequences(EntityRef entity, long from, CommandContext context) {
        return reads.originalSequences(entity, from, context);
    }

    private List<Message> messages(
            String subject, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        Instant now = clock.instant();
        boolean batch = events.size() > 1;
        String batchId = batch ? EventIds.next() : null;
        List<Message> messages = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EncodedEvent event = Objects.requireNonNull(events.get(i), "event " + i);
            // built without jnats' per-put hash maps, checked by its rules, sent without a copy (OutgoingHeaders)
            OutgoingHeaders.Builder h = NatsEventHeaders.outgoing(event, i, EventIds.next(), now, context);
            if (i == 0) {
                h.add(EXPECTED_STREAM, stream);
                h.add(EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedVersion));
            }
            if (batch) {
                h.add(BATCH_ID, batchId);
                h.add(BATCH_SEQUENCE, Integer.toString(i + 1));
                if (i == events.size() - 1) {
                    h.add(BATCH_COMMIT, "1");
                }
            }
            messages.add(new NatsMessage(subject, null, h.build(), event.payload()));
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
        return published(entity, expectedVersion, request(entity, message));
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
                // the server stored something, but not what was sent as one batch: what exactly is unknown
                throw unknownOutcome(
                        entity,
                        "the server acknowledged a batch of " + ack.getBatchSize() + " messages but " + n
                                + " were sent (is the stream's allow_atomic set?)",
                        null);
            }
            List<Long> sequences = new ArrayList<>(n);
            for (long s = ack.getSeqno() - n + 1; s <= ack.getSeqno(); s++) {
                sequences.add(s);
            }
            return new AppendResult(entity, sequences, false);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.BATCH_DUPLICATE) {
                return confirmDuplicate(entity, expectedVersion, context, e);
            }
            if (JetStreamErrors.isUnreadableAnswer(e)) {
                throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getErrorDescription(), e);
            }
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot publish to " + entity + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server refused the batch because message ids of it were seen: the command was appended before (a re-send
     * after a lost acknowledgement, perhaps decided on an older state and so with another number of events). Report
     * the original events, whatever their number; never append twice. None on this entity: the id was used for
     * another entity.
     */
    private AppendResult confirmDuplicate(
            EntityRef entity, long expectedVersion, CommandContext context, JetStreamApiException cause) {
        List<Long> sequences = originalSequences(entity, expectedVersion + 1, context);
        if (sequences.isEmpty() && expectedVersion > 0) {
            sequences = originalSequences(entity, 1, context);
        }
        if (sequences.isEmpty()) {
            throw reusedForAnotherEntity(entity, context, cause);
        }
        LOG.debug(
                "batch for {} of command {} was a duplicate; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return new AppendResult(entity, sequences, true);
    }

    private EventStoreException failure(EntityRef entity, long expectedVersion, JetStreamApiException e) {
        int code = e.getApiErrorCode();
        if (JetStreamErrors.isWrongLastSequence(code)) {
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
                "append to " + entity + " got no usable acknowledgement within " + timeout + " (" + what
                        + "); the events may or may not be stored – re-send with the same command id",
                cause);
    }

    @Override
    public ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        return reads.read(entity, range, sink);
    }

    @Override
    public long version(EntityRef entity) {
        return reads.version(entity);
    }

    /**
     * The version as the stream leader knows it: one {@code $JS.API.STREAM.MSG.GET.<stream>} request for the subject's
     * last message ({@code last_by_subj}), which only the leader answers – unlike a direct get, which a lagging
     * replica may answer. Sent at once: the future completes on the connection's thread when the leader answers.
     */
    @Override
    public CompletableFuture<Long> versionAsync(EntityRef entity) {
        return reads.versionAsync(entity);
    }
}
