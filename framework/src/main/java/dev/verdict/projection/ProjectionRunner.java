package dev.verdict.projection;

import dev.verdict.store.EventCodec;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.nats.NatsEventHeaders;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Projection} on a JetStream consumer: one worker thread, events in stream order, explicit acks,
 * retries with backoff, dead letters, caught-up and lag reporting, rebuilds.
 *
 * <p><b>Durable mode</b> ({@link Builder#durable()}, the default): a durable pull consumer named {@code
 * verdict-<projection>} with explicit acks. The worker applies events strictly in the order the server delivers them
 * – stream order – and acknowledges each after {@link Projection#apply} returned. On start it resumes after the
 * projection's own checkpoint: if the consumer still holds unacknowledged or in-flight deliveries of an earlier
 * (crashed) runner, or its acknowledgement floor is ahead of the checkpoint, it is deleted and recreated at {@code
 * checkpoint + 1}, so a restart never waits for an ack timeout and never sees events out of order. A delivery lost
 * in transit (a jump in consumer sequences, seen in cluster failovers) or a consumer that stops delivering while the
 * server reports pending events makes the runner recreate it the same way. Run <b>one</b>
 * runner per durable projection; a second one would take the consumer over.
 *
 * <p><b>Ephemeral mode</b> ({@link Builder#ephemeral()}): for one-off or in-memory views; an ephemeral consumer
 * without acks (memory storage, deleted on stop, removed by the server after a minute without a client), starting
 * after the projection's checkpoint. A gap in consumer sequences (a lost delivery) makes the runner recreate it
 * after the last applied event.
 *
 * <p>Guarantees: at-least-once delivery; events at or below the position already processed by this runner are
 * skipped (counted in {@link ProjectionStatus#skipped()}); exactly-once effect when the projection stores its
 * checkpoint with its data atomically (see {@link JdbcProjection}); a poison event is retried per {@link
 * RetryPolicy}, then recorded in the {@link DeadLetterStore} and skipped, or the runner stops ({@link
 * PoisonPolicy}). {@link #stop()} leaves no thread behind. An {@link Error} thrown by the projection fails the runner
 * without acknowledging the event.
 *
 * <pre>{@code
 * ProjectionRunner<PrescriptionEvent> runner = ProjectionRunner.builder(connection,
 *                 SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
 *                 codec, JdbcProjection.of("prescription-list", dataSource, handler, reset))
 *         .retryPolicy(RetryPolicy.defaults())
 *         .build();
 * runner.start();
 * runner.caughtUp().get(30, TimeUnit.SECONDS);
 * ...
 * runner.stop();
 * }</pre>
 *
 * @param <E> the events the projection reads
 */
public final class ProjectionRunner<E> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int STREAM_NOT_FOUND = 10059;
    /** Without a message for this long while the server reports work, the consumer is presumed stalled. */
    private static final Duration STALL = Duration.ofSeconds(5);
    /** How often an idle runner asks the server about its consumer once caught up. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    private final Connection connection;
    private final SubjectFilter filter;
    private final EventCodec<E> codec;
    private final EventMessageReader reader;
    private final Projection<E> projection;
    private final boolean durable;
    private final RetryPolicy retryPolicy;
    private final PoisonPolicy poisonPolicy;
    private final int batchSize;
    private final Duration ackWait;
    private final Clock clock;
    private final String consumerName;
    private volatile DeadLetterStore deadLetters;

    private final Object lifecycle = new Object();
    private Thread worker;
    private volatile boolean stopRequested;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);

    private volatile RunnerState state = RunnerState.NEW;
    private volatile long position;
    private volatile long pendingEvents = -1;
    private volatile boolean caughtUpNow;
    private volatile long applied;
    private volatile long skipped;
    private volatile long deadLettered;
    private volatile Optional<String> failure = Optional.empty();
    private volatile CompletableFuture<ProjectionStatus> caughtUp = new CompletableFuture<>();

    private volatile Rebuild rebuild;

    private IterableConsumer iterable;
    private String ephemeralName;
    private long lastConsumerSequence;
    private long idleSinceNanos;
    private long lastIdleCheckNanos;

    private ProjectionRunner(Builder<E> b) {
        this.connection = b.connection;
        this.filter = b.filter;
        this.codec = b.codec;
        this.reader = b.reader;
        this.projection = b.projection;
        this.durable = b.durable;
        this.retryPolicy = b.retryPolicy;
        this.poisonPolicy = b.poisonPolicy;
        this.batchSize = b.batchSize;
        this.ackWait = b.ackWait;
        this.clock = b.clock;
        this.deadLetters = b.deadLetters;
        this.consumerName = "verdict-" + projection.name();
    }

    /**
     * Starts configuring a runner for the projection over the filter, reading messages with the event store's
     * standard mapping ({@link EventMessageReader#of}).
     */
    public static <E> Builder<E> builder(
            Connection connection, SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
        return new Builder<>(connection, filter, codec, EventMessageReader.of(filter.store()), projection);
    }

    /** Starts configuring a runner for the projection over the filter, with a custom message reader. */
    public static <E> Builder<E> builder(
            Connection connection,
            SubjectFilter filter,
            EventCodec<E> codec,
            EventMessageReader reader,
            Projection<E> projection) {
        return new Builder<>(connection, filter, codec, reader, projection);
    }

    /** The projection's name. */
    public String name() {
        return projection.name();
    }

    /** The durable consumer's name ({@code verdict-<projection>}); ephemeral runners use a generated name. */
    public String consumerName() {
        return consumerName;
    }

    /**
     * Starts the worker thread. Starting a stopped or failed runner resumes after the projection's checkpoint.
     *
     * @throws IllegalStateException when already running
     */
    public void start() {
        synchronized (lifecycle) {
            if (worker != null && worker.isAlive()) {
                throw new IllegalStateException("projection '" + name() + "' is already running");
            }
            if (state != RunnerState.NEW) {
                caughtUp = new CompletableFuture<>();
                caughtUpNow = false;
            }
            failure = Optional.empty();
            applied = 0;
            skipped = 0;
            deadLettered = 0;
            stopRequested = false;
            stopSignal = new CountDownLatch(1);
            position = Math.max(position, projection.checkpoint().orElse(0));
            state = RunnerState.RUNNING;
            worker = new Thread(this::work, "verdict-projection-" + name());
            worker.setDaemon(true);
            worker.start();
        }
    }

    /**
     * Stops the worker after the event it is applying, and waits for it (at most 30 s). Events fetched but not
     * applied stay unacknowledged; the next start resumes after the checkpoint. Idempotent.
     */
    public void stop() {
        Thread toJoin;
        synchronized (lifecycle) {
            stopRequested = true;
            stopSignal.countDown();
            toJoin = worker;
        }
        if (toJoin != null && toJoin != Thread.currentThread()) {
            try {
                toJoin.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (toJoin.isAlive()) {
                LOG.warn("projection '{}' did not stop within 30 s; interrupting its worker", name());
                toJoin.interrupt();
            }
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Completes when the projection has processed every matching event that existed at some moment after start; fails
     * when the runner stops on a poison event or an error first. Restarting the runner gives a new future.
     */
    public CompletableFuture<ProjectionStatus> caughtUp() {
        return caughtUp;
    }

    /** The current status, without a server round trip. */
    public ProjectionStatus status() {
        return new ProjectionStatus(
                name(), state, position, pendingEvents, caughtUpNow, applied, skipped, deadLettered, failure);
    }

    /** Waits until the projection processed the event at {@code sequence} (or a later one); false on timeout. */
    public boolean awaitPosition(long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (position < sequence) {
            if (state == RunnerState.FAILED || System.nanoTime() > deadline) {
                return position >= sequence;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The lag against the stream, with one or two server round trips. */
    public ProjectionLag lag() {
        try {
            long last = connection
                    .jetStreamManagement()
                    .getStreamInfo(filter.stream())
                    .getStreamState()
                    .getLastSequence();
            long pending = pendingEvents;
            if (durable) {
                try {
                    ConsumerInfo info = connection.jetStreamManagement().getConsumerInfo(filter.stream(), consumerName);
                    pending = info.getNumPending() + info.getNumAckPending();
                } catch (JetStreamApiException e) {
                    // no consumer yet: fall back to what the last message said
                }
            }
            return new ProjectionLag(last, position, Math.max(0, pending));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot read the lag of projection '" + name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the projection from the first event: stops the runner, deletes its consumer, calls {@link
     * Projection#reset()} so it clears its data and checkpoint, then runs again from the start. Progress goes to the
     * listener about once a second; the future completes with the final progress when the projection caught up. Memory
     * stays bounded by the batch size whatever the stream's length.
     */
    public CompletableFuture<RebuildProgress> rebuild(Consumer<RebuildProgress> listener) {
        Objects.requireNonNull(listener, "listener");
        stop();
        synchronized (lifecycle) {
            deleteDurableConsumer();
            projection.reset();
            position = 0;
            pendingEvents = -1;
            Rebuild r = new Rebuild(listener, System.nanoTime());
            rebuild = r;
            start();
            return r.done;
        }
    }

    /**
     * Re-applies this projection's dead letters in sequence order (after a fix): each event is read again from the
     * stream, decoded and given to {@link Projection#applyOutOfOrder}; those that succeed are removed from the store,
     * those that fail again are recorded with the new reason. Only while the runner is not running.
     *
     * @return the dead letters that still fail
     */
    public List<DeadLetter> replayDeadLetters() {
        synchronized (lifecycle) {
            if (worker != null && worker.isAlive()) {
                throw new IllegalStateException("stop projection '" + name() + "' before replaying its dead letters");
            }
            List<DeadLetter> stillFailing = new ArrayList<>();
            for (DeadLetter letter : deadLetterStore().list(filter.stream(), name())) {
                Optional<Message> message = fetchOne(letter.subject(), letter.sequence());
                if (message.isEmpty()) {
                    LOG.warn(
                            "dead letter {}#{} of '{}' no longer exists in the stream; kept",
                            letter.stream(),
                            letter.sequence(),
                            name());
                    stillFailing.add(letter);
                    continue;
                }
                Attempt outcome = attempt(message.get(), true);
                if (outcome.failure == null) {
                    deadLetterStore().remove(letter);
                    LOG.info("replayed dead letter {}#{} of '{}'", letter.stream(), letter.sequence(), name());
                } else {
                    DeadLetter again = deadLetterOf(message.get(), outcome, letter.attempts() + 1);
                    deadLetterStore().record(again);
                    stillFailing.add(again);
                }
            }
            return stillFailing;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // worker

    private void work() {
        try {
            boolean again = true;
            while (again && !stopRequested) {
                if (!openConsumerPatiently()) {
                    break;
                }
                again = consume();
                closeConsumer();
            }
            state = RunnerState.STOPPED;
        } catch (ProjectionHalted halted) {
            fail(halted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = RunnerState.STOPPED;
        } catch (Throwable t) { // an Error from the projection must end the worker too, visibly
            fail(t);
            if (t instanceof Error error && !(t instanceof VirtualMachineError)) {
                LOG.error("projection '{}' failed with an error", name(), error);
            }
        } finally {
            closeConsumer();
            if (!durable) {
                deleteEphemeralConsumer();
            }
            if (!caughtUp.isDone() && state == RunnerState.STOPPED) {
                caughtUp.completeExceptionally(
                        new IllegalStateException("projection '" + name() + "' stopped before it caught up"));
            }
            Rebuild r = rebuild;
            if (r != null && !r.done.isDone()) {
                r.done.completeExceptionally(new IllegalStateException(
                        "rebuild of '" + name() + "' ended before it caught up: " + failure.orElse("stopped")));
                rebuild = null;
            }
        }
    }

    /**
     * Opens the consumer, retrying while the server cannot answer (a restart, a cluster electing new leaders): a
     * projection outlives outages by itself. Only a missing stream ends the worker. Returns false when stopped.
     */
    private boolean openConsumerPatiently() throws IOException, JetStreamApiException, InterruptedException {
        long backoffMillis = 100;
        while (!stopRequested) {
            try {
                openConsumer();
                return true;
            } catch (IOException | JetStreamApiException e) {
                if (e instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND) {
                    throw api;
                }
                closeConsumer();
                LOG.warn(
                        "projection '{}': cannot open its consumer ({}); retrying in {} ms",
                        name(),
                        e.toString(),
                        backoffMillis);
                if (stopSignal.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                    return false;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
        return false;
    }

    private void fail(Throwable t) {
        failure = Optional.of(t.toString());
        state = RunnerState.FAILED;
        caughtUp.completeExceptionally(t);
        if (t instanceof ProjectionHalted) {
            LOG.error("{}", t.getMessage());
        } else if (!(t instanceof Error)) {
            LOG.error("projection '{}' failed", name(), t);
        }
    }

    /** Returns true when the consumer must be recreated (lost delivery or consumer gone). */
    private boolean consume() throws InterruptedException {
        while (!stopRequested) {
            Message m;
            try {
                m = iterable.nextMessage(POLL);
            } catch (JetStreamStatusCheckedException e) {
                LOG.warn(
                        "projection '{}': consumer reported {}; recreating it after sequence {}",
                        name(),
                        e.getMessage(),
                        position);
                return true;
            } catch (IllegalStateException e) {
                if (stopRequested) {
                    return false;
                }
                throw e;
            }
            if (m == null) {
                if (onIdle()) {
                    return true;
                }
                continue;
            }
            idleSinceNanos = 0;
            if (!m.isJetStream()) {
                continue;
            }
            NatsJetStreamMetaData meta = m.metaData();
            // Every delivery (redeliveries too) takes the next consumer sequence. A jump means a delivery was lost
            // in transit (seen in cluster failovers); in durable mode its redelivery would come only after the ack
            // wait, behind later events, and be skipped as "already applied" – a gap. Recreate instead: the
            // consumer then restarts right after the last processed event.
            if (lastConsumerSequence != 0 && meta.consumerSequence() != lastConsumerSequence + 1) {
                LOG.warn(
                        "projection '{}': delivery gap (consumer sequence {} after {}); resuming after {}",
                        name(),
                        meta.consumerSequence(),
                        lastConsumerSequence,
                        position);
                return true;
            }
            lastConsumerSequence = meta.consumerSequence();
            handle(m, meta);
        }
        return false;
    }

    private void handle(Message m, NatsJetStreamMetaData meta) throws InterruptedException {
        long sequence = meta.streamSequence();
        pendingEvents = meta.pendingCount();
        if (sequence <= position) {
            ack(m);
            skipped++;
            afterEvent(meta);
            return;
        }
        int attemptNo = 1;
        while (true) {
            Attempt outcome = attempt(m, false);
            if (outcome.failure == null) {
                applied++;
                position = sequence;
                ack(m);
                afterEvent(meta);
                return;
            }
            boolean unavailable = outcome.failure instanceof ProjectionUnavailable;
            if (!unavailable && attemptNo >= retryPolicy.maxAttempts()) {
                poison(m, outcome, attemptNo);
                afterEvent(meta);
                return;
            }
            // storage outages are not the event's fault: retry them without counting, never dead-letter
            Duration pause = unavailable ? retryPolicy.maxBackoff() : retryPolicy.backoffAfter(attemptNo);
            LOG.warn(
                    "projection '{}': attempt {} of {} failed at sequence {} ({}); retrying in {} ms",
                    name(),
                    attemptNo,
                    retryPolicy.maxAttempts(),
                    sequence,
                    outcome.failure.toString(),
                    pause.toMillis());
            if (durable) {
                m.inProgress();
            }
            if (stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                return; // stopping: leave it unacknowledged, it comes again after a restart
            }
            if (!unavailable) {
                attemptNo++;
            }
        }
    }

    /** Reads, decodes and applies one message; exceptions become a failed attempt, errors propagate. */
    private Attempt attempt(Message m, boolean outOfOrder) {
        RecordedEvent recorded;
        try {
            recorded = reader.read(m);
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNREADABLE_MESSAGE, e, Optional.empty());
        }
        E event;
        try {
            event = codec.decode(recorded.event());
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNDECODABLE_EVENT, e, Optional.of(recorded.type()));
        }
        try {
            DeliveredEvent<E> delivered = new DeliveredEvent<>(event, recorded);
            if (outOfOrder) {
                projection.applyOutOfOrder(delivered);
                return new Attempt(null, null, Optional.of(recorded.type()));
            }
            projection.apply(delivered);
            return new Attempt(null, null, Optional.of(recorded.type()));
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.HANDLER_FAILED, e, Optional.of(recorded.type()));
        }
    }

    private void poison(Message m, Attempt outcome, int attempts) {
        DeadLetter letter = deadLetterOf(m, outcome, attempts);
        deadLetterStore().record(letter);
        deadLettered++;
        if (poisonPolicy == PoisonPolicy.STOP) {
            throw new ProjectionHalted(letter);
        }
        LOG.error(
                "projection '{}' dead-lettered {}#{} ({}): {} after {} attempt(s): {}",
                name(),
                letter.stream(),
                letter.sequence(),
                letter.subject(),
                letter.reason(),
                attempts,
                letter.detail(),
                outcome.failure);
        position = letter.sequence();
        ack(m);
    }

    private DeadLetter deadLetterOf(Message m, Attempt outcome, int attempts) {
        long sequence = m.isJetStream() ? m.metaData().streamSequence() : 0;
        String detail = outcome.failure.getClass().getSimpleName() + ": " + outcome.failure.getMessage();
        Optional<String> type = outcome.eventType.isPresent() || !m.hasHeaders()
                ? outcome.eventType
                : Optional.ofNullable(m.getHeaders().getFirst(NatsEventHeaders.TYPE));
        return new DeadLetter(
                name(),
                filter.stream(),
                sequence,
                m.getSubject(),
                type,
                outcome.reason,
                detail,
                attempts,
                clock.instant());
    }

    private void ack(Message m) {
        if (durable) {
            m.ack();
        }
    }

    private void afterEvent(NatsJetStreamMetaData meta) {
        if (meta.pendingCount() == 0) {
            markCaughtUp();
        } else {
            caughtUpNow = false;
        }
        Rebuild r = rebuild;
        if (r != null) {
            r.maybeReport(applied + skipped + deadLettered, false);
        }
    }

    /**
     * Checks the consumer while no message arrives. Returns true when the consumer looks stalled – the server reports
     * pending or unacknowledged events, yet nothing was delivered for {@link #STALL} (seen after a cluster failover:
     * the pull requests were lost with the node that held them, and the client issued no new ones) – so the caller
     * recreates it after the last processed event.
     */
    private boolean onIdle() {
        long now = System.nanoTime();
        if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        }
        if (caughtUpNow && now - lastIdleCheckNanos < IDLE_CHECK.toNanos()) {
            return false;
        }
        lastIdleCheckNanos = now;
        try {
            // ask the server: the iterable's own getConsumerInfo() may answer from a cache of its creation time
            ConsumerInfo info = connection
                    .jetStreamManagement()
                    .getConsumerInfo(filter.stream(), durable ? consumerName : ephemeralName);
            boolean work = info.getNumPending() > 0 || info.getNumAckPending() > 0;
            if (info.getNumPending() == 0) {
                pendingEvents = 0;
                markCaughtUp();
            }
            if (work && now - idleSinceNanos > STALL.toNanos()) {
                LOG.warn(
                        "projection '{}': no delivery for {} s although the consumer reports {} pending and {}"
                                + " unacknowledged events; recreating it after sequence {}",
                        name(),
                        STALL.toSeconds(),
                        info.getNumPending(),
                        info.getNumAckPending(),
                        position);
                idleSinceNanos = 0;
                caughtUpNow = false;
                return true;
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("projection '{}': consumer info unavailable: {}", name(), e.toString());
        }
        return false;
    }

    private void markCaughtUp() {
        caughtUpNow = true;
        if (!caughtUp.isDone()) {
            LOG.info("projection '{}' caught up at sequence {}", name(), position);
            caughtUp.complete(status());
        }
        Rebuild r = rebuild;
        if (r != null) {
            r.maybeReport(applied + skipped + deadLettered, true);
            rebuild = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // consumers

    private void openConsumer() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = connection.jetStreamManagement();
        StreamContext stream = connection.getStreamContext(filter.stream());
        ConsumerContext context;
        if (durable) {
            long resumeAfter = position;
            Optional<ConsumerInfo> existing = consumerInfo(jsm, consumerName);
            boolean recreate = existing.isEmpty();
            if (existing.isPresent()) {
                ConsumerInfo info = existing.get();
                boolean sameFilter = new HashSet<>(filterSubjectsOf(info.getConsumerConfiguration()))
                        .equals(new HashSet<>(filter.subjects()));
                if (projection.checkpoint().isEmpty() && position == 0) {
                    // the consumer's acknowledgements are the only position we have
                    resumeAfter = info.getAckFloor().getStreamSequence();
                    position = resumeAfter;
                }
                boolean clean = info.getNumAckPending() == 0
                        && info.getNumWaiting() == 0
                        && info.getAckFloor().getStreamSequence() <= resumeAfter
                        && sameFilter;
                if (!clean) {
                    LOG.info(
                            "projection '{}': recreating consumer '{}' after sequence {} (pending acks {}, waiting"
                                    + " pulls {}, ack floor {}, same filter {})",
                            name(),
                            consumerName,
                            resumeAfter,
                            info.getNumAckPending(),
                            info.getNumWaiting(),
                            info.getAckFloor().getStreamSequence(),
                            sameFilter);
                    jsm.deleteConsumer(filter.stream(), consumerName);
                    recreate = true;
                }
            }
            if (recreate) {
                ConsumerConfiguration.Builder cfg = ConsumerConfiguration.builder()
                        .durable(consumerName)
                        .filterSubjects(filter.subjects())
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(ackWait)
                        .maxAckPending(Math.max(1000, batchSize * 4L))
                        .maxDeliver(-1)
                        .description("Verdict projection " + name());
                startAfter(cfg, resumeAfter);
                jsm.addOrUpdateConsumer(filter.stream(), cfg.build());
            }
            context = stream.getConsumerContext(consumerName);
        } else {
            deleteEphemeralConsumer();
            ephemeralName = consumerName + "-" + UUID.randomUUID().toString().substring(0, 8);
            ConsumerConfiguration.Builder cfg = ConsumerConfiguration.builder()
                    .name(ephemeralName)
                    .filterSubjects(filter.subjects())
                    .ackPolicy(AckPolicy.None)
                    .inactiveThreshold(Duration.ofMinutes(1))
                    .memStorage(true)
                    .numReplicas(1);
            startAfter(cfg, position);
            jsm.addOrUpdateConsumer(filter.stream(), cfg.build());
            context = stream.getConsumerContext(ephemeralName);
        }
        Rebuild r = rebuild;
        if (r != null && r.total < 0) {
            r.total = context.getConsumerInfo().getNumPending();
        }
        lastConsumerSequence = 0;
        iterable = context.iterate(ConsumeOptions.builder().batchSize(batchSize).build());
    }

    private static void startAfter(ConsumerConfiguration.Builder cfg, long sequence) {
        if (sequence <= 0) {
            cfg.deliverPolicy(DeliverPolicy.All);
        } else {
            cfg.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(sequence + 1);
        }
    }

    private static List<String> filterSubjectsOf(ConsumerConfiguration cfg) {
        List<String> subjects = cfg.getFilterSubjects();
        return subjects == null ? List.of() : subjects;
    }

    private Optional<ConsumerInfo> consumerInfo(JetStreamManagement jsm, String name)
            throws IOException, JetStreamApiException {
        try {
            return Optional.of(jsm.getConsumerInfo(filter.stream(), name));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10014) { // consumer not found
                return Optional.empty();
            }
            throw e;
        }
    }

    private void closeConsumer() {
        IterableConsumer it = iterable;
        iterable = null;
        if (it != null) {
            try {
                it.stop();
                it.close();
            } catch (Exception e) {
                LOG.debug("projection '{}': closing the consumer: {}", name(), e.toString());
            }
        }
    }

    private void deleteEphemeralConsumer() {
        String n = ephemeralName;
        ephemeralName = null;
        if (n != null) {
            try {
                connection.jetStreamManagement().deleteConsumer(filter.stream(), n);
            } catch (IOException | JetStreamApiException | IllegalStateException e) {
                LOG.debug(
                        "projection '{}': ephemeral consumer {} not deleted ({}); the server drops it when idle",
                        name(),
                        n,
                        e.toString());
            }
        }
    }

    private void deleteDurableConsumer() {
        if (!durable) {
            return;
        }
        try {
            connection.jetStreamManagement().deleteConsumer(filter.stream(), consumerName);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10014) {
                throw new ProjectionFailure("cannot delete consumer '" + consumerName + "': " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new ProjectionFailure("cannot delete consumer '" + consumerName + "': " + e.getMessage(), e);
        }
    }

    private Optional<Message> fetchOne(String subject, long sequence) {
        String name = consumerName + "-replay-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            jsm.addOrUpdateConsumer(
                    filter.stream(),
                    ConsumerConfiguration.builder()
                            .name(name)
                            .filterSubject(subject)
                            .ackPolicy(AckPolicy.None)
                            .deliverPolicy(DeliverPolicy.ByStartSequence)
                            .startSequence(sequence)
                            .inactiveThreshold(Duration.ofSeconds(30))
                            .memStorage(true)
                            .numReplicas(1)
                            .build());
            try {
                Message m = connection
                        .getStreamContext(filter.stream())
                        .getConsumerContext(name)
                        .next(Duration.ofSeconds(2));
                return m != null && m.isJetStream() && m.metaData().streamSequence() == sequence
                        ? Optional.of(m)
                        : Optional.empty();
            } finally {
                jsm.deleteConsumer(filter.stream(), name);
            }
        } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException e) {
            throw new ProjectionFailure("cannot read " + filter.stream() + "#" + sequence + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionFailure("interrupted while reading " + filter.stream() + "#" + sequence, e);
        }
    }

    private DeadLetterStore deadLetterStore() {
        DeadLetterStore store = deadLetters;
        if (store == null) {
            store = DeadLetterStore.open(connection);
            deadLetters = store;
        }
        return store;
    }

    private record Attempt(PoisonReason reason, RuntimeException failure, Optional<String> eventType) {}

    private static final class Rebuild {
        final Consumer<RebuildProgress> listener;
        final long startNanos;
        final CompletableFuture<RebuildProgress> done = new CompletableFuture<>();
        volatile long total = -1;
        long lastReportNanos;

        Rebuild(Consumer<RebuildProgress> listener, long startNanos) {
            this.listener = listener;
            this.startNanos = startNanos;
            this.lastReportNanos = startNanos;
        }

        void maybeReport(long processed, boolean finished) {
            long now = System.nanoTime();
            if (!finished && now - lastReportNanos < TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            lastReportNanos = now;
            RebuildProgress p =
                    new RebuildProgress(processed, Math.max(total, processed), Duration.ofNanos(now - startNanos));
            try {
                listener.accept(p);
            } catch (RuntimeException e) {
                LOG.warn("rebuild progress listener failed", e);
            }
            if (finished) {
                done.complete(p);
            }
        }
    }

    /**
     * Configuration of a {@link ProjectionRunner}; immutable once built.
     *
     * <pre>{@code
     * ProjectionRunner.builder(connection, filter, codec, projection)
     *         .ephemeral()                      // one-off view; default is durable
     *         .retryPolicy(RetryPolicy.none())
     *         .poisonPolicy(PoisonPolicy.STOP)
     *         .batchSize(500)
     *         .build();
     * }</pre>
     *
     * @param <E> the events the projection reads
     */
    public static final class Builder<E> {
        private final Connection connection;
        private final SubjectFilter filter;
        private final EventCodec<E> codec;
        private final EventMessageReader reader;
        private final Projection<E> projection;
        private boolean durable = true;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private PoisonPolicy poisonPolicy = PoisonPolicy.DEAD_LETTER_AND_SKIP;
        private int batchSize = 256;
        private Duration ackWait = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private DeadLetterStore deadLetters;

        private Builder(
                Connection connection,
                SubjectFilter filter,
                EventCodec<E> codec,
                EventMessageReader reader,
                Projection<E> projection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            this.filter = Objects.requireNonNull(filter, "filter");
            this.codec = Objects.requireNonNull(codec, "codec");
            this.reader = Objects.requireNonNull(reader, "reader");
            this.projection = Objects.requireNonNull(projection, "projection");
            // a consumer name part: same rule as subject tokens
            dev.verdict.store.EntityId.of(projection.name());
        }

        /** A durable pull consumer with explicit acks (the default). */
        public Builder<E> durable() {
            this.durable = true;
            return this;
        }

        /** An ephemeral consumer without acks, deleted on stop: for one-off and in-memory views. */
        public Builder<E> ephemeral() {
            this.durable = false;
            return this;
        }

        public Builder<E> retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        public Builder<E> poisonPolicy(PoisonPolicy poisonPolicy) {
            this.poisonPolicy = Objects.requireNonNull(poisonPolicy, "poisonPolicy");
            return this;
        }

        /** Where dead letters go; defaults to {@link DeadLetterStore#open(Connection)} on first use. */
        public Builder<E> deadLetters(DeadLetterStore deadLetters) {
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            return this;
        }

        /** Messages requested from the server at a time (default 256): bounds the runner's memory. */
        public Builder<E> batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be 1..10000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** How long the server waits for an ack before redelivering (default 30 s); longer than any apply. */
        public Builder<E> ackWait(Duration ackWait) {
            if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("ackWait must be at least 1 s, was " + ackWait);
            }
            this.ackWait = ackWait;
            return this;
        }

        /** The clock stamping dead letters. */
        public Builder<E> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ProjectionRunner<E> build() {
            return new ProjectionRunner<>(this);
        }
    }
}
