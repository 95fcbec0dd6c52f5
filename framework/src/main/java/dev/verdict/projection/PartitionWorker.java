package dev.verdict.projection;

import dev.verdict.store.RecordedEvent;
import dev.verdict.store.nats.ConsumerReader;
import dev.verdict.store.nats.NatsEventHeaders;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the events of one partition (or of a whole unpartitioned projection) from one consumer, on one thread.
 *
 * <p>It never skips an event whose effect is not stored. A delivery is trusted to follow the previous one without a
 * gap only inside a <i>session</i>: a first delivery right after another first delivery, with the next consumer
 * sequence and the same pin (after a redelivery, the consumer's previous new delivery may have gone to an instance that
 * died). Everything else –
 * the first delivery after the consumer was opened, a take-over from another instance, a jump in consumer sequences
 * (a delivery lost in transit), a redelivery – starts a new session or a check: the worker reads the projection's
 * checkpoint again and, if the delivered event is not the next one after it, reads the events in between from the
 * stream itself (with the store's {@link ConsumerReader}) and applies them first, in stream order. Redeliveries at or
 * below the position are acknowledged and skipped.
 */
final class PartitionWorker<E> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long collecting a batch waits for the next buffered delivery. */
    private static final Duration BATCH_POLL = Duration.ofMillis(1);

    private static final int STREAM_NOT_FOUND = 10059;
    /** Without a message for this long while the server reports deliverable events, the consumer is presumed stalled. */
    private static final Duration STALL = Duration.ofSeconds(5);
    /** How often an idle worker asks the server about its consumer. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    static final String PIN_HEADER = "Nats-Pin-Id";

    /** What became of one message. */
    private enum Result {
        DONE,
        CHECKPOINT_MOVED,
        STOPPING
    }

    record Attempt(PoisonReason reason, RuntimeException failure, Optional<String> eventType) {}

    private final RunnerSettings<E> s;
    private final Partition partition;
    private final EventFeed feed;
    private final ConsumerReader gapReader;
    private final Runnable onProgress;
    private final PartitionShare share;

    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean stopRequested;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);

    private volatile RunnerState state = RunnerState.NEW;
    private volatile long position;
    private volatile long expected = -1;
    private volatile long pendingEvents = -1;
    private volatile boolean caughtUpNow;
    private volatile boolean active;
    private volatile long applied;
    private volatile long skipped;
    private volatile long deadLettered;
    private volatile long gapsFilled;
    private volatile long sessions;
    private volatile Optional<String> failure = Optional.empty();
    private volatile CompletableFuture<Void> caughtUp = new CompletableFuture<>();

    // worker thread only
    private boolean sessionOpen;
    private long lastConsumerSequence;
    private String lastPinId;
    private long idleSinceNanos;
    private long lastIdleCheckNanos;
    private long lastSettleNanos;
    private Set<Long> deadLetterSequences = Set.of();
    private boolean deadLettersLoaded;
    private Message held;
    private boolean lastWasFirstDelivery;
    private boolean standBack;
    private boolean beyondShare;

    PartitionWorker(RunnerSettings<E> settings, Partition partition, Runnable onProgress, PartitionShare share) {
        this.s = settings;
        this.share = share;
        this.partition = partition;
        this.feed = settings.feed(partition);
        this.gapReader = new ConsumerReader(settings.connection(), settings.filter().stream(), Duration.ofSeconds(10));
        this.onProgress = onProgress;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // life cycle

    void start() {
        synchronized (lifecycle) {
            if (thread != null && thread.isAlive()) {
                throw new IllegalStateException("projection '" + s.name() + "' is already running");
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
            deadLettersLoaded = false;
            state = RunnerState.RUNNING;
            thread = new Thread(this::work, "verdict-projection-" + s.name() + suffix());
            thread.setDaemon(true);
            thread.start();
        }
    }

    void requestStop() {
        synchronized (lifecycle) {
            stopRequested = true;
            stopSignal.countDown();
        }
    }

    void join(Duration timeout) {
        Thread t;
        synchronized (lifecycle) {
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("projection '{}'{} did not stop within {}; interrupting its worker", s.name(), suffix(), timeout);
            t.interrupt();
        }
    }

    boolean isAlive() {
        synchronized (lifecycle) {
            return thread != null && thread.isAlive();
        }
    }

    /** Forgets the position (a rebuild starts from nothing). Only while stopped. */
    void resetPosition() {
        position = 0;
        expected = -1;
        pendingEvents = -1;
    }

    void deleteConsumer() throws IOException, JetStreamApiException {
        feed.delete();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // status

    Partition partition() {
        return partition;
    }

    String consumerName() {
        return feed.consumerName();
    }

    RunnerState state() {
        return state;
    }

    long position() {
        return position;
    }

    long pendingEvents() {
        return pendingEvents;
    }

    boolean caughtUpNow() {
        return caughtUpNow;
    }

    boolean active() {
        return active && state == RunnerState.RUNNING;
    }

    long applied() {
        return applied;
    }

    long skipped() {
        return skipped;
    }

    long deadLettered() {
        return deadLettered;
    }

    long gapsFilled() {
        return gapsFilled;
    }

    long sessions() {
        return sessions;
    }

    Optional<String> failure() {
        return failure;
    }

    CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    ConsumerInfo consumerInfo() throws IOException, JetStreamApiException {
        return feed.info();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // worker

    private void work() {
        try {
            while (!stopRequested) {
                if (!share.hasRoomFor(partition) && !standBack()) {
                    break;
                }
                if (!openPatiently()) {
                    break;
                }
                boolean reopen = consume();
                sessionOpen = false;
                if (standBack) {
                    // this instance holds its share of partitions: give this one to another instance
                    standBack = false;
                    feed.release(true);
                    active = false;
                    share.release(partition);
                    continue;
                }
                feed.close();
                if (!reopen) {
                    break;
                }
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
                LOG.error("projection '{}'{} failed with an error", s.name(), suffix(), error);
            }
        } finally {
            feed.release(active);
            active = false;
            share.release(partition);
            sessionOpen = false;
            if (!caughtUp.isDone() && state == RunnerState.STOPPED) {
                caughtUp.completeExceptionally(
                        new IllegalStateException("projection '" + s.name() + "' stopped before it caught up"));
            }
            onProgress.run();
        }
    }

    private void fail(Throwable t) {
        failure = Optional.of(t.toString());
        state = RunnerState.FAILED;
        caughtUp.completeExceptionally(t);
        if (t instanceof ProjectionHalted) {
            LOG.error("{}", t.getMessage());
        } else if (!(t instanceof Error)) {
            LOG.error("projection '{}'{} failed", s.name(), suffix(), t);
        }
    }

    /**
     * Waits without pulling while this instance holds its share of partitions ({@link
     * ProjectionRunner.Builder#maxActivePartitions(int)}), reporting the shared consumer's progress. Returns true when
     * it may take the partition – room was made, or nobody has served the partition for twice the failover time (then
     * it takes it beyond its share, so the projection never stops while one instance lives) – and false when stopped.
     */
    private boolean standBack() throws InterruptedException {
        active = false;
        beyondShare = false;
        long unattendedSince = 0;
        while (!stopRequested) {
            if (share.hasRoomFor(partition)) {
                return true;
            }
            try {
                ConsumerInfo info = feed.info();
                position = Math.max(position, info.getAckFloor().getStreamSequence());
                pendingEvents = info.getNumPending();
                if (info.getNumPending() == 0 && info.getNumAckPending() == 0) {
                    markCaughtUp();
                    onProgress.run();
                }
                boolean unattended = nobodyPinned(info) && (info.getNumPending() > 0 || info.getNumAckPending() > 0);
                long now = System.nanoTime();
                if (!unattended) {
                    unattendedSince = 0;
                } else if (unattendedSince == 0) {
                    unattendedSince = now;
                } else if (now - unattendedSince
                        > s.failoverAfter().multipliedBy(2).toNanos()) {
                    LOG.info(
                            "projection '{}'{}: no instance has served it for {} s; taking it beyond this instance's"
                                    + " share",
                            s.name(),
                            suffix(),
                            s.failoverAfter().multipliedBy(2).toSeconds());
                    beyondShare = true;
                    share.force(partition);
                    return true;
                }
            } catch (JetStreamApiException e) {
                return true; // no consumer yet: someone must create it
            } catch (IOException | RuntimeException e) {
                LOG.debug("projection '{}'{}: consumer info unavailable: {}", s.name(), suffix(), e.toString());
            }
            if (stopSignal.await(500, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Opens the consumer, retrying while the server or the projection's storage cannot answer (a restart, a cluster
     * electing new leaders): a projection outlives outages by itself. Only a missing stream ends the worker. Returns
     * false when stopped.
     */
    private boolean openPatiently() throws IOException, JetStreamApiException, InterruptedException {
        Pauses pauses = new Pauses();
        while (!stopRequested) {
            try {
                checkStreamIdentity();
                OptionalLong checkpoint = s.projection().checkpoint(partition);
                if (checkpoint.isPresent()) {
                    position = checkpoint.getAsLong();
                    expected = position;
                }
                feed.open(position);
                if (checkpoint.isEmpty() && position == 0 && feed.acknowledged()) {
                    // the consumer's acknowledgements are the only position we have
                    position = feed.info().getAckFloor().getStreamSequence();
                }
                lastConsumerSequence = 0;
                lastPinId = null;
                idleSinceNanos = 0;
                return true;
            } catch (IOException | JetStreamApiException | ProjectionUnavailable | IllegalStateException e) {
                if (e instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND) {
                    throw api;
                }
                if (s.connection().getStatus() == io.nats.client.Connection.Status.CLOSED) {
                    throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", e);
                }
                feed.close();
                if (!pauses.after("cannot open its consumer", e)) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Compares the identity of the stream (its creation time) with the one the projection's checkpoints were made
     * from: after the stream was deleted and created again, or restored from a backup of another incarnation, its
     * sequences name other events, so the old data and checkpoints are discarded (with a warning) and the projection
     * starts from the new stream's first event. Several instances may do this at once: the conditional checkpoint lets
     * the last reset win and the others resume after it.
     */
    private void checkStreamIdentity() throws IOException, JetStreamApiException {
        String current = s.connection()
                .jetStreamManagement()
                .getStreamInfo(s.filter().stream())
                .getCreateTime()
                .toInstant()
                .toString();
        Optional<String> stored = s.projection().streamIdentity();
        if (stored.isPresent() && !stored.get().equals(current)) {
            LOG.warn(
                    "projection '{}': its checkpoints were made from stream '{}' created at {}, but the stream now was"
                            + " created at {} (deleted and created again, or restored): discarding its data and"
                            + " checkpoints and applying the stream from its first event",
                    s.name(),
                    s.filter().stream(),
                    stored.get(),
                    current);
            s.projection().resetForNewStream();
            position = 0;
            expected = -1;
        }
        if (stored.isEmpty() || !stored.get().equals(current)) {
            s.projection().recordStreamIdentity(current);
        }
    }

    /** Returns true when the consumer must be reopened (lost delivery, stall, read failure). */
    private boolean consume() throws InterruptedException {
        while (!stopRequested) {
            Message m;
            try {
                m = held != null ? held : feed.next(POLL);
                held = null;
            } catch (JetStreamStatusCheckedException e) {
                LOG.warn(
                        "projection '{}'{}: consumer reported {}; reopening it after sequence {}",
                        s.name(),
                        suffix(),
                        e.getMessage(),
                        position);
                return true;
            } catch (IllegalStateException e) {
                if (stopRequested) {
                    return false;
                }
                if (s.connection().getStatus() == io.nats.client.Connection.Status.CLOSED) {
                    throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", e);
                }
                LOG.warn("projection '{}'{}: consumer closed ({}); reopening it", s.name(), suffix(), e.toString());
                return true;
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
            String pin = m.hasHeaders() ? m.getHeaders().getFirst(PIN_HEADER) : null;
            boolean fresh = !sessionOpen
                    || meta.consumerSequence() != lastConsumerSequence + 1
                    || (pin != null && !pin.equals(lastPinId));
            lastConsumerSequence = meta.consumerSequence();
            if (pin != null) {
                lastPinId = pin;
            }
            pendingEvents = meta.pendingCount();
            if (fresh && !beyondShare && !share.claim(partition)) {
                LOG.info(
                        "projection '{}'{}: this instance already holds its share of partitions; handing this one"
                                + " to another instance",
                        s.name(),
                        suffix());
                standBack = true;
                return true; // the message stays unacknowledged: the next instance reads it
            }
            active = true;
            try {
                if (fresh) {
                    if (sessionOpen) {
                        LOG.info(
                                "projection '{}'{}: delivery out of sequence (consumer sequence {}); checking for"
                                        + " events it has not seen after {}",
                                s.name(),
                                suffix(),
                                meta.consumerSequence(),
                                position);
                    }
                    if (!beginSession()) {
                        return false;
                    }
                }
                // only a first delivery right after another first delivery is known to follow it: after a
                // redelivery, the consumer's previous new delivery may have gone to another (dead) instance
                boolean check = fresh || meta.deliveredCount() > 1 || !lastWasFirstDelivery;
                lastWasFirstDelivery = meta.deliveredCount() == 1;
                List<Message> batch = check || meta.streamSequence() <= position ? List.of(m) : collectBatch(m);
                Result result = batch.size() == 1 ? handleDelivered(m, check) : handleBatch(batch);
                if (result == Result.STOPPING) {
                    return false;
                }
                meta = batch.get(batch.size() - 1).metaData();
            } catch (RuntimeException e) {
                if (e instanceof ProjectionHalted) {
                    throw e;
                }
                LOG.warn(
                        "projection '{}'{}: cannot read the events before sequence {} ({}); reopening after {}",
                        s.name(),
                        suffix(),
                        meta.streamSequence(),
                        e.toString(),
                        position);
                sessionOpen = false;
                if (stopSignal.await(500, TimeUnit.MILLISECONDS)) {
                    return false;
                }
                return true;
            }
            afterEvent(meta.pendingCount());
        }
        return false;
    }

    /**
     * Collects consecutive first deliveries after {@code first}, while the projection applies batches, up to the batch
     * size and latency. A delivery that does not follow (another consumer sequence, a redelivery, another pin) ends the
     * batch and is kept for the next round, where it is checked as usual.
     */
    private List<Message> collectBatch(Message first) throws InterruptedException {
        if (s.applyBatchSize() <= 1 || !s.projection().appliesBatches()) {
            return List.of(first);
        }
        List<Message> batch = new ArrayList<>();
        batch.add(first);
        long deadline = System.nanoTime() + s.applyBatchLatency().toNanos();
        while (batch.size() < s.applyBatchSize() && System.nanoTime() < deadline) {
            Message next;
            try {
                next = feed.next(BATCH_POLL);
            } catch (JetStreamStatusCheckedException | IllegalStateException e) {
                break; // the next round meets the same condition and handles it
            }
            if (next == null) {
                break;
            }
            if (!next.isJetStream()) {
                continue;
            }
            NatsJetStreamMetaData meta = next.metaData();
            String pin = next.hasHeaders() ? next.getHeaders().getFirst(PIN_HEADER) : null;
            if (meta.consumerSequence() != lastConsumerSequence + 1
                    || meta.deliveredCount() > 1
                    || (pin != null && !pin.equals(lastPinId))) {
                held = next;
                break;
            }
            lastConsumerSequence = meta.consumerSequence();
            batch.add(next);
        }
        return batch;
    }

    /**
     * Applies consecutive deliveries with one {@link Projection#applyBatch} call and acknowledges them after it; if
     * anything fails (an unreadable event, the projection, a moved checkpoint), nothing of the batch was applied and
     * the events go the one-by-one way, so a failing event is retried and dead-lettered alone.
     */
    private Result handleBatch(List<Message> batch) throws InterruptedException {
        List<DeliveredEvent<E>> own = new ArrayList<>(batch.size());
        long chain = expected;
        for (Message m : batch) {
            if (!partition.isWhole() && !partition.equals(partitionOf(m.getSubject()))) {
                continue;
            }
            try {
                RecordedEvent recorded = s.reader().read(m);
                E event = s.codec().decode(recorded.event());
                own.add(new DeliveredEvent<>(event, recorded, partition, chain));
                if (chain >= 0) {
                    chain = recorded.sequence();
                }
            } catch (RuntimeException e) {
                return oneByOne(batch);
            }
        }
        if (!own.isEmpty()) {
            try {
                s.projection().applyBatch(own);
            } catch (RuntimeException e) {
                LOG.debug(
                        "projection '{}'{}: a batch of {} events failed ({}); applying them one by one",
                        s.name(),
                        suffix(),
                        own.size(),
                        e.toString());
                return oneByOne(batch);
            }
        }
        applied += own.size();
        expected = chain;
        for (Message m : batch) {
            position = m.metaData().streamSequence();
            feed.ack(m);
        }
        for (DeliveredEvent<E> event : own) {
            forgetDeadLetter(event.sequence());
        }
        return Result.DONE;
    }

    private Result oneByOne(List<Message> batch) throws InterruptedException {
        for (Message m : batch) {
            Result r = handleDelivered(m, false);
            if (r == Result.STOPPING) {
                return r;
            }
        }
        return Result.DONE;
    }

    /** Doubling pauses between the retries of one step, 100 ms up to 5 s, each logged; cut short by {@code stop()}. */
    private final class Pauses {
        private long millis = 100;

        /** Logs why the step is retried, then waits; false when the worker was stopped meanwhile. */
        boolean after(String what, Exception failure) throws InterruptedException {
            LOG.warn("projection '{}'{}: {} ({}); retrying in {} ms", s.name(), suffix(), what, failure, millis);
            if (stopSignal.await(millis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            millis = Math.min(millis * 2, 5_000);
            return true;
        }
    }

    /**
     * Starts a session: this runner became (or may have become) the active one, so the checkpoint is read again – it may
     * have moved under another instance or a rebuild. Returns false when stopped while the storage was unreachable.
     */
    private boolean beginSession() throws InterruptedException {
        sessions++;
        Pauses pauses = new Pauses();
        while (true) {
            try {
                OptionalLong checkpoint = s.projection().checkpoint(partition);
                if (checkpoint.isPresent()) {
                    position = checkpoint.getAsLong();
                    expected = position;
                }
                break;
            } catch (RuntimeException e) {
                if (!(e instanceof ProjectionUnavailable) && !(e instanceof ProjectionFailure)) {
                    throw e;
                }
                if (!pauses.after("cannot read its checkpoint", e)) {
                    return false;
                }
            }
        }
        sessionOpen = true;
        if (!deadLettersLoaded) {
            // once per start: a dead letter recorded since by another instance and applied here later stays listed
            deadLetterSequences = loadDeadLetterSequences();
            deadLettersLoaded = true;
        }
        return true;
    }

    private Result handleDelivered(Message m, boolean check) throws InterruptedException {
        long sequence = m.metaData().streamSequence();
        while (true) {
            if (sequence <= position) {
                feed.ack(m);
                skipped++;
                return Result.DONE;
            }
            if (check && sequence > position + 1) {
                Result gap = readFromStream(sequence - 1);
                if (gap == Result.STOPPING) {
                    return gap;
                }
                if (gap == Result.CHECKPOINT_MOVED) {
                    if (!beginSession()) {
                        return Result.STOPPING;
                    }
                    continue;
                }
            }
            Result r = process(m, true);
            if (r != Result.CHECKPOINT_MOVED) {
                return r;
            }
            if (!beginSession()) {
                return Result.STOPPING;
            }
            check = true;
        }
    }

    /**
     * Reads the matching events after the position straight from the stream and processes them, in order, up to
     * {@code last} (inclusive) or, when {@code last} is -1, to the end of the stream: the events the consumer did not
     * deliver here (a gap before a delivery, or a tail delivered to an instance that died). Returns {@link
     * Result#DONE} when the range was processed, else why it stopped.
     */
    private Result readFromStream(long last) {
        long from = position + 1;
        long[] read = {0};
        Result[] outcome = {Result.DONE};
        Predicate<Message> visitor = msg -> {
            long seq = msg.metaData().streamSequence();
            if (last >= 0 && seq > last) {
                return false;
            }
            if (stopRequested) {
                outcome[0] = Result.STOPPING;
                return false;
            }
            if (seq <= position) {
                return true;
            }
            Result r;
            try {
                r = process(msg, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = Result.STOPPING;
            }
            if (r != Result.DONE) {
                outcome[0] = r;
                return false;
            }
            read[0]++;
            return true;
        };
        if (last >= 0) {
            gapReader.scan(s.filter().subjects(), from, last, visitor);
        } else {
            gapReader.scanToEnd(s.filter().subjects(), from, visitor);
        }
        if (read[0] > 0) {
            gapsFilled++;
            LOG.info(
                    "projection '{}'{}: read {} event(s) from sequence {} that were not delivered here{}",
                    s.name(),
                    suffix(),
                    read[0],
                    from,
                    last >= 0 ? " (up to " + last + ")" : " (delivered to another instance, not acknowledged)");
            onProgress.run();
        }
        return outcome[0] == Result.DONE && stopRequested ? Result.STOPPING : outcome[0];
    }

    /** Applies one message of this partition (or passes over another partition's), with retries and dead letters. */
    private Result process(Message m, boolean fromConsumer) throws InterruptedException {
        long sequence = m.metaData().streamSequence();
        if (!partition.isWhole() && !partition.equals(partitionOf(m.getSubject()))) {
            position = sequence;
            if (fromConsumer) {
                feed.ack(m);
            }
            return Result.DONE;
        }
        int attemptNo = 1;
        while (true) {
            Attempt outcome = attempt(m, false);
            if (outcome.failure == null) {
                applied++;
                position = sequence;
                if (expected >= 0) {
                    expected = sequence;
                }
                if (fromConsumer) {
                    feed.ack(m);
                }
                forgetDeadLetter(sequence);
                return Result.DONE;
            }
            if (outcome.failure instanceof CheckpointMoved moved) {
                LOG.info(
                        "projection '{}'{}: {}; resuming after the stored checkpoint",
                        s.name(),
                        suffix(),
                        moved.getMessage());
                return Result.CHECKPOINT_MOVED;
            }
            boolean unavailable = outcome.failure instanceof ProjectionUnavailable;
            if (!unavailable && attemptNo >= s.retryPolicy().maxAttempts()) {
                poison(m, outcome, attemptNo, fromConsumer);
                return Result.DONE;
            }
            // storage outages are not the event's fault: retry them without counting, never dead-letter
            Duration pause =
                    unavailable ? s.retryPolicy().maxBackoff() : s.retryPolicy().backoffAfter(attemptNo);
            LOG.warn(
                    "projection '{}'{}: attempt {} of {} failed at sequence {} ({}); retrying in {} ms",
                    s.name(),
                    suffix(),
                    attemptNo,
                    s.retryPolicy().maxAttempts(),
                    sequence,
                    outcome.failure.toString(),
                    pause.toMillis());
            if (fromConsumer) {
                feed.inProgress(m);
            }
            if (stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                return Result.STOPPING; // leave it unacknowledged: it comes again after a restart
            }
            if (!unavailable) {
                attemptNo++;
            }
        }
    }

    private Partition partitionOf(String subject) {
        return Partition.ofSubject(subject, partition.count());
    }

    /** Reads, decodes and applies one message; exceptions become a failed attempt, errors propagate. */
    Attempt attempt(Message m, boolean outOfOrder) {
        RecordedEvent recorded;
        try {
            recorded = s.reader().read(m);
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNREADABLE_MESSAGE, e, Optional.empty());
        }
        E event;
        try {
            event = s.codec().decode(recorded.event());
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNDECODABLE_EVENT, e, Optional.of(recorded.type()));
        }
        try {
            if (outOfOrder) {
                s.projection().applyOutOfOrder(new DeliveredEvent<>(event, recorded, partition, -1));
            } else {
                s.projection().apply(new DeliveredEvent<>(event, recorded, partition, expected));
            }
            return new Attempt(null, null, Optional.of(recorded.type()));
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.HANDLER_FAILED, e, Optional.of(recorded.type()));
        }
    }

    /** Replays one dead letter's message out of order; returns the failure, or empty when it applied. */
    Optional<Attempt> replay(Message m) {
        Attempt outcome = attempt(m, true);
        return outcome.failure == null ? Optional.empty() : Optional.of(outcome);
    }

    private void poison(Message m, Attempt outcome, int attempts, boolean fromConsumer) {
        DeadLetter letter = deadLetterOf(m, outcome, attempts);
        recordDeadLetter(letter);
        Set<Long> known = new HashSet<>(deadLetterSequences);
        known.add(letter.sequence());
        deadLetterSequences = known;
        deadLettered++;
        if (s.poisonPolicy() == PoisonPolicy.STOP) {
            throw new ProjectionHalted(letter);
        }
        LOG.error(
                "projection '{}' dead-lettered {}#{} ({}): {} after {} attempt(s): {}",
                s.name(),
                letter.stream(),
                letter.sequence(),
                letter.subject(),
                letter.reason(),
                attempts,
                letter.detail(),
                outcome.failure);
        position = letter.sequence();
        if (fromConsumer) {
            feed.ack(m);
        }
    }

    /** Records a dead letter, retrying while its bucket cannot be written: the event is never passed over unrecorded. */
    private void recordDeadLetter(DeadLetter letter) {
        boolean recorded;
        try {
            recorded = s.deadLetters().get().recordPatiently(letter, s.retryPolicy(), () -> stopRequested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recorded = false;
        }
        if (!recorded) {
            throw new ProjectionFailure(
                    "projection '" + s.name() + "' stopped before dead letter " + letter.stream() + "#"
                            + letter.sequence() + " was recorded; the event stays unacknowledged",
                    null);
        }
    }

    DeadLetter deadLetterOf(Message m, Attempt outcome, int attempts) {
        long sequence = m.isJetStream() ? m.metaData().streamSequence() : 0;
        String detail = outcome.failure.getClass().getSimpleName() + ": " + outcome.failure.getMessage();
        Optional<String> type = outcome.eventType.isPresent() || !m.hasHeaders()
                ? outcome.eventType
                : Optional.ofNullable(m.getHeaders().getFirst(NatsEventHeaders.TYPE));
        return new DeadLetter(
                s.name(),
                s.filter().stream(),
                sequence,
                m.getSubject(),
                type,
                outcome.reason,
                detail,
                attempts,
                s.clock().instant());
    }

    private Set<Long> loadDeadLetterSequences() {
        try {
            return new HashSet<>(s.deadLetters().get().sequences(s.filter().stream(), s.name()));
        } catch (RuntimeException e) {
            LOG.debug("projection '{}': dead letters not listed ({})", s.name(), e.toString());
            return Set.of();
        }
    }

    /** An event that failed before and has now been applied (a rebuild, a fix) is no longer a dead letter. */
    private void forgetDeadLetter(long sequence) {
        if (deadLetterSequences.isEmpty() || !deadLetterSequences.contains(sequence)) {
            return;
        }
        try {
            s.deadLetters().get().remove(s.filter().stream(), s.name(), sequence);
            LOG.info(
                    "projection '{}': {}#{} applied now; its dead letter is removed",
                    s.name(),
                    s.filter().stream(),
                    sequence);
            Set<Long> rest = new HashSet<>(deadLetterSequences);
            rest.remove(sequence);
            deadLetterSequences = rest;
        } catch (RuntimeException e) {
            LOG.warn(
                    "projection '{}': dead letter {} not removed ({}); replaying it would apply it again – remove it by hand",
                    s.name(),
                    sequence,
                    e.toString());
        }
    }

    private void afterEvent(long pending) {
        if (pending == 0) {
            if (feed.acknowledged()) {
                // nothing left to deliver, but events delivered to an instance that died are still unacknowledged:
                // let the next idle check verify with the server (and read those events itself)
                lastIdleCheckNanos = 0;
            } else {
                markCaughtUp();
            }
        } else {
            caughtUpNow = false;
        }
        onProgress.run();
    }

    /**
     * Checks the consumer while no message arrives: whether this instance is the active one, whether the projection
     * caught up, and whether the consumer looks stalled – the server reports deliverable events, yet nothing was
     * delivered for {@link #STALL} although this instance holds the pin or nobody does (seen after a cluster failover:
     * the pull requests were lost with the node that held them) – so the caller reopens it.
     */
    private boolean onIdle() throws InterruptedException {
        if (s.connection().getStatus() == io.nats.client.Connection.Status.CLOSED) {
            throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", null);
        }
        long now = System.nanoTime();
        if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        }
        if (now - lastIdleCheckNanos < IDLE_CHECK.toNanos()) {
            return false;
        }
        lastIdleCheckNanos = now;
        try {
            ConsumerInfo info = feed.info();
            active = feed.isActive(info, lastPinId);
            if (!active) {
                share.release(partition);
            }
            boolean nobodyPinned = !feed.acknowledged() || nobodyPinned(info);
            if (!active && feed.acknowledged()) {
                // another instance is active: the shared ack floor is the projection's position
                position = Math.max(position, info.getAckFloor().getStreamSequence());
                sessionOpen = false;
            }
            pendingEvents = info.getNumPending();
            boolean settled = info.getNumAckPending() == 0
                    || (active && position >= info.getDelivered().getStreamSequence());
            if (info.getNumPending() == 0 && !settled && (active || nobodyPinned)) {
                // the rest was delivered to an instance that died (or lost its pin): the server would redeliver it
                // only after the ack wait, so read it from the stream now
                if (!sessionOpen && !beginSession()) {
                    return false;
                }
                settled = fillTail();
            }
            if (info.getNumPending() == 0
                    && settled
                    && info.getNumAckPending() > 0
                    && active
                    && now - lastSettleNanos > STALL.toNanos()) {
                // everything delivered is processed here; what is still unacknowledged was delivered to an
                // instance that is gone or handed the partition over: drop those redeliveries now
                lastSettleNanos = now;
                feed.settleAt(position);
            }
            if (info.getNumPending() == 0 && settled) {
                markCaughtUp();
                onProgress.run();
            } else if (info.getNumPending() > 0) {
                caughtUpNow = false;
            }
            if (info.getNumPending() > 0 && (active || nobodyPinned) && now - idleSinceNanos > STALL.toNanos()) {
                LOG.warn(
                        "projection '{}'{}: no delivery for {} s although the consumer reports {} pending events;"
                                + " reopening it after sequence {}",
                        s.name(),
                        suffix(),
                        STALL.toSeconds(),
                        info.getNumPending(),
                        position);
                idleSinceNanos = 0;
                caughtUpNow = false;
                if (info.getNumAckPending() > 0) {
                    // deliveries held by an instance that died may have used up max_ack_pending: nothing more is
                    // delivered until their ack wait ends – restart delivery after what is applied instead
                    feed.settleAt(position);
                }
                return true;
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("projection '{}'{}: consumer info unavailable: {}", s.name(), suffix(), e.toString());
        }
        return false;
    }

    /**
     * Reads and processes every matching event after the position up to the end of the stream: the events a dead
     * instance received but never acknowledged, which the server would redeliver only after the ack wait. Returns true
     * when the end was reached.
     */
    private boolean fillTail() {
        Result r;
        try {
            r = readFromStream(-1);
        } catch (RuntimeException e) {
            if (e instanceof ProjectionHalted) {
                throw e;
            }
            LOG.debug("projection '{}'{}: tail not read ({})", s.name(), suffix(), e.toString());
            return false;
        }
        if (r == Result.CHECKPOINT_MOVED) {
            sessionOpen = false; // the next delivery starts a session with a fresh checkpoint
        }
        return r == Result.DONE;
    }

    private static boolean nobodyPinned(ConsumerInfo info) {
        if (info.getPriorityGroupStates() == null) {
            return true;
        }
        return info.getPriorityGroupStates().stream()
                .noneMatch(g ->
                        g.getPinnedClientId() != null && !g.getPinnedClientId().isEmpty());
    }

    private void markCaughtUp() {
        caughtUpNow = true;
        if (!caughtUp.isDone()) {
            LOG.info("projection '{}'{} caught up at sequence {}", s.name(), suffix(), position);
            caughtUp.complete(null);
        }
    }

    private String suffix() {
        return partition.isWhole() ? "" : " (" + partition + ")";
    }
}
