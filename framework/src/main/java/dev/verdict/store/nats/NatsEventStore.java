package dev.verdict.store.nats;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStore;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import io.nats.client.Connection;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

    /** Events read by one batch direct get before a read switches to a consumer (see docs/nats-mapping.md). */
    static final int DIRECT_READ_LIMIT = 256;

    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final StoreName name;
    private final String stream;
    private final Duration timeout;
    private final EntityReads reads;
    private final EntityAppends appends;
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
        this.appends = new EntityAppends(connection, stream, timeout, reads, clock);
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
        return appends.append(entity, expectedVersion, events, context);
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
        return appends.appendAsync(entity, expectedVersion, events, context, blocking);
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
