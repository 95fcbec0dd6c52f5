package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedFailure;
import dev.verdict.store.FeedState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the events of one partition (or of a whole unpartitioned projection) from one consumer, on one thread: its
 * life cycle and the loop that takes deliveries into sessions. The other concerns have their own classes: {@link
 * ConsumerOpening} (opening the consumer, starting a session), {@link DeliverySession} (which deliveries follow each
 * other, collecting batches), {@link EventApplier} (applying events and batches, retries, dead letters via {@link
 * DeadLetterBook}), {@link DeadLetterRetries} (operators' retry requests), {@link StreamGaps} (gap reads), {@link
 * ConsumerWatch} (idle checks, pins, shares), {@link StreamIdentityCheck}, {@link PartitionProgress} (what the runner
 * reports) and, for calls that hang, {@link ApplyWatchdog} with {@link #checkOverdue()}.
 *
 * <p>It never skips an event whose effect is not stored. A delivery is trusted to follow the previous one without a
 * gap only inside a session (see {@link DeliverySession}). Everything else – the first delivery after the consumer was
 * opened, a take-over from another instance, a jump in consumer sequences (a delivery lost in transit), a redelivery –
 * starts a new session or a check: the worker reads the projection's checkpoint again and, if the delivered event is
 * not the next one after it, reads the events in between from the stream itself and applies them first, in stream
 * order. Redeliveries at or below the position are acknowledged and skipped.
 */
final class PartitionWorker<E> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final RunnerSettings<E> s;
    private final Partition partition;
    private final EventFeed feed;
    private final Runnable onProgress;
    private final PartitionShare share;
    private final PartitionProgress progress;
    private final StopSignal stop = new StopSignal();
    private final DeadLetterBook deadLetters;
    private final EventApplier<E> applier;
    private final StreamGaps<E> gaps;
    private final DeliverySession session = new DeliverySession();
    private final ConsumerWatch watch;
    private final DeadLetterRetries<E> retries;
    private final ConsumerOpening opening;

    private final Object lifecycle = new Object();
    private Thread thread;
    // worker thread only
    private boolean standBack;

    PartitionWorker(
            RunnerSettings<E> settings, Partition partition, Runnable onProgress, PartitionShare share, String runner) {
        this.s = settings;
        this.share = share;
        this.partition = partition;
        this.feed = settings.feed(partition);
        this.onProgress = onProgress;
        this.progress = new PartitionProgress("projection '" + settings.name() + "'" + suffix(partition));
        this.deadLetters = new DeadLetterBook(settings);
        this.applier = new EventApplier<>(settings, partition, feed, progress, deadLetters, stop);
        this.gaps = new StreamGaps<>(settings, partition, applier, progress, stop, onProgress);
        this.watch = new ConsumerWatch(settings, partition, feed, share, progress, session, gaps, stop, onProgress);
        this.retries = new DeadLetterRetries<>(settings, partition, feed, applier, progress, deadLetters, runner);
        this.opening = new ConsumerOpening(settings, partition, feed, progress, session, watch, deadLetters, stop);
    }

    static String suffix(Partition partition) {
        return partition.isWhole() ? "" : " (" + partition + ")";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // life cycle

    void start() {
        synchronized (lifecycle) {
            if (thread != null && thread.isAlive()) {
                throw new IllegalStateException("projection '" + s.name() + "' is already running");
            }
            progress.restart();
            stop.arm();
            thread = new Thread(this::work, "verdict-projection-" + s.name() + suffix());
            thread.setDaemon(true);
            thread.start();
        }
    }

    void requestStop() {
        synchronized (lifecycle) {
            stop.request();
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
        progress.resetPosition();
        progress.pendingEvents = -1;
    }

    void deleteConsumer() {
        feed.delete();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // status

    Partition partition() {
        return partition;
    }

    String consumerName() {
        return feed.name();
    }

    /** What the runner reports of this partition. */
    PartitionProgress progress() {
        return progress;
    }

    boolean active() {
        return progress.active && progress.state == RunnerState.RUNNING;
    }

    CompletableFuture<Void> caughtUp() {
        return progress.caughtUp;
    }

    FeedState feedState() {
        return feed.state();
    }

    /** The operators' requests to apply this partition's dead letters again ({@code verdict dead-letters retry}). */
    DeadLetterRetries<E> retries() {
        return retries;
    }

    /** Replays one dead letter's message out of order; returns the failure, or empty when it applied. */
    Optional<EventApplier.Attempt> replay(EventDelivery m) {
        return applier.replay(m);
    }

    DeadLetter deadLetterOf(EventDelivery m, EventApplier.Attempt outcome, int attempts) {
        return applier.deadLetterOf(m, outcome, attempts);
    }

    /**
     * Gives the consumer up when a call into the projection has run past {@link RunnerSettings#applyTimeout()}: stops
     * pulling and unpins this instance so another one takes over at once, and reports {@link RunnerState#STUCK}. Called
     * by the runner's watchdog thread; the hung worker thread discards the call's result when it returns.
     */
    void checkOverdue() {
        progress.abandonIfOverdue(s.applyTimeout(), sequence -> {
            String reason = "applying sequence " + sequence + " took longer than the apply timeout ("
                    + s.applyTimeout().toMillis() + " ms); this instance gave its consumer up and will discard the"
                    + " result of that call";
            LOG.error("projection '{}'{}: {}", s.name(), suffix(), reason);
            progress.failure = Optional.of(reason);
            progress.state = RunnerState.STUCK;
            progress.active = false;
            if (s.shared()) {
                feed.release(true); // an ephemeral consumer serves this instance alone: nobody could take it over
            }
            share.release(partition);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // worker

    private void work() {
        try {
            while (!stop.requested()) {
                if (!share.hasRoomFor(partition) && !watch.standBack()) {
                    break;
                }
                if (!opening.openPatiently()) {
                    break;
                }
                boolean reopen = consume();
                session.open = false;
                if (progress.state == RunnerState.STUCK) {
                    progress.recovered(); // the abandoned call returned, its result discarded: serve again
                }
                if (standBack) {
                    // this instance holds its share of partitions: give this one to another instance
                    standBack = false;
                    feed.release(true);
                    progress.active = false;
                    share.release(partition);
                    continue;
                }
                feed.close();
                if (!reopen) {
                    break;
                }
            }
            progress.state = RunnerState.STOPPED;
        } catch (ProjectionHalted halted) {
            fail(halted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.state = RunnerState.STOPPED;
        } catch (Throwable t) { // an Error from the projection must end the worker too, visibly
            fail(t);
            if (t instanceof Error error && !(t instanceof VirtualMachineError)) {
                LOG.error("projection '{}'{} failed with an error", s.name(), suffix(), error);
            }
        } finally {
            feed.release(progress.active);
            progress.active = false;
            share.release(partition);
            session.open = false;
            if (!progress.caughtUp.isDone() && progress.state == RunnerState.STOPPED) {
                progress.caughtUp.completeExceptionally(
                        new IllegalStateException("projection '" + s.name() + "' stopped before it caught up"));
            }
            onProgress.run();
        }
    }

    private void fail(Throwable t) {
        progress.failure = Optional.of(t.toString());
        progress.state = RunnerState.FAILED;
        progress.caughtUp.completeExceptionally(t);
        if (t instanceof ProjectionHalted) {
            LOG.error("{}", t.getMessage());
        } else if (!(t instanceof Error)) {
            LOG.error("projection '{}'{} failed", s.name(), suffix(), t);
        }
    }

    /** Returns true when the consumer must be reopened (lost delivery, stall, read failure). */
    private boolean consume() throws InterruptedException {
        while (!stop.requested()) {
            retries.runIfActive(); // between two events, while this instance holds the partition
            Optional<EventDelivery> next;
            try {
                next = session.next(feed, POLL);
            } catch (FeedFailure e) {
                LOG.warn(
                        "projection '{}'{}: consumer reported {}; reopening it after sequence {}",
                        s.name(),
                        suffix(),
                        e.getMessage(),
                        progress.position);
                return true;
            } catch (IllegalStateException e) {
                if (stop.requested()) {
                    return false;
                }
                if (s.feeds().closedForGood()) {
                    throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", e);
                }
                LOG.warn("projection '{}'{}: consumer closed ({}); reopening it", s.name(), suffix(), e.toString());
                return true;
            }
            if (next.isEmpty()) {
                if (watch.onIdle(opening::beginSession)) {
                    return true;
                }
                continue;
            }
            watch.delivered();
            EventDelivery m = next.get();
            EventDelivery last = m;
            boolean fresh = session.startsAnew(m);
            progress.pendingEvents = m.pendingCount();
            if (fresh && !watch.beyondShare && !share.claim(partition)) {
                LOG.info(
                        "projection '{}'{}: this instance already holds its share of partitions; handing this one"
                                + " to another instance",
                        s.name(),
                        suffix());
                standBack = true;
                return true; // the message stays unacknowledged: the next instance reads it
            }
            progress.active = true;
            try {
                if (fresh) {
                    if (session.open) {
                        LOG.info(
                                "projection '{}'{}: delivery out of sequence (consumer sequence {}); checking for"
                                        + " events it has not seen after {}",
                                s.name(),
                                suffix(),
                                m.feedSequence(),
                                progress.position);
                    }
                    if (!opening.beginSession()) {
                        return false;
                    }
                }
                boolean check = session.needsCheck(m, fresh);
                List<EventDelivery> batch =
                        check || m.streamSequence() <= progress.position ? List.of(m) : collectBatch(m);
                ApplyResult result =
                        batch.size() == 1 ? handleDelivered(m, check) : applier.applyBatch(batch, this::oneByOne);
                if (result == ApplyResult.STOPPING) {
                    return false;
                }
                if (result == ApplyResult.ABANDONED) {
                    return true; // reopen: the consumer was given up while the call hung
                }
                last = batch.get(batch.size() - 1);
            } catch (ConsumerOpening.StreamReplaced e) {
                LOG.warn(
                        "projection '{}'{}: {}; dropping the deliveries held and reopening",
                        s.name(),
                        suffix(),
                        e.getMessage());
                session.open = false;
                return true;
            } catch (RuntimeException e) {
                if (e instanceof ProjectionHalted) {
                    throw e;
                }
                LOG.warn(
                        "projection '{}'{}: cannot read the events before sequence {} ({}); reopening after {}",
                        s.name(),
                        suffix(),
                        m.streamSequence(),
                        e.toString(),
                        progress.position);
                session.open = false;
                if (stop.await(500)) {
                    return false;
                }
                return true;
            }
            watch.afterEvent(last.pendingCount());
        }
        return false;
    }

    /** Consecutive first deliveries after {@code first}, while the projection applies batches. */
    private List<EventDelivery> collectBatch(EventDelivery first) throws InterruptedException {
        if (s.applyBatchSize() <= 1 || !s.projection().appliesBatches()) {
            return List.of(first);
        }
        return session.collect(feed, first, s.applyBatchSize(), s.applyBatchLatency());
    }

    private ApplyResult oneByOne(List<EventDelivery> batch) throws InterruptedException {
        for (EventDelivery m : batch) {
            ApplyResult r = handleDelivered(m, false);
            if (r == ApplyResult.STOPPING || r == ApplyResult.ABANDONED) {
                return r;
            }
        }
        return ApplyResult.DONE;
    }

    private ApplyResult handleDelivered(EventDelivery m, boolean check) throws InterruptedException {
        long sequence = m.streamSequence();
        while (true) {
            if (sequence <= progress.position) {
                m.ack();
                progress.skipped++;
                return ApplyResult.DONE;
            }
            if (check && sequence > progress.position + 1) {
                ApplyResult gap = gaps.read(sequence - 1);
                if (gap == ApplyResult.STOPPING || gap == ApplyResult.ABANDONED) {
                    return gap;
                }
                if (gap == ApplyResult.CHECKPOINT_MOVED) {
                    if (!opening.beginSession()) {
                        return ApplyResult.STOPPING;
                    }
                    continue;
                }
            }
            ApplyResult r = applier.process(m, true);
            if (r != ApplyResult.CHECKPOINT_MOVED) {
                return r;
            }
            if (!opening.beginSession()) {
                return ApplyResult.STOPPING;
            }
            check = true;
        }
    }

    private String suffix() {
        return suffix(partition);
    }
}
