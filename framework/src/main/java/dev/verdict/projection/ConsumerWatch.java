package dev.verdict.projection;

import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedFailure;
import dev.verdict.store.FeedState;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a partition worker learns from its consumer's state on the server while no message arrives: whether this
 * instance is the active one, whether the projection caught up, whether a tail delivered to a dead instance must be
 * read from the stream, whether the consumer looks stalled – and, while this instance holds its share of partitions,
 * when to take a partition nobody serves. Used by the worker's thread only.
 */
final class ConsumerWatch {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
    /** Without a message for this long while the server reports deliverable events, the consumer is presumed stalled. */
    private static final Duration STALL = Duration.ofSeconds(5);
    /**
     * How often an idle worker asks the server about its consumer while anything changes; after checks that found the
     * consumer quiet – and unchanged – the pause doubles up to half the failover time ({@link #idleCheckCeiling}).
     */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    /** Starts a session (reads the checkpoint again); false when stopped meanwhile. */
    interface SessionStart {
        boolean begin() throws InterruptedException;
    }

    private final RunnerSettings<?> s;
    private final Partition partition;
    private final EventFeed feed;
    private final PartitionShare share;
    private final PartitionProgress progress;
    private final DeliverySession session;
    private final StreamGaps<?> gaps;
    private final StopSignal stop;
    private final Runnable onProgress;
    private final String suffix;

    private long idleSinceNanos;
    private long lastIdleCheckNanos;
    /** The pause between two idle checks: {@link #IDLE_CHECK}, doubled after each quiet check up to the ceiling. */
    private long idleCheckNanos = IDLE_CHECK.toNanos();
    /** What the last idle check saw when it found the consumer quiet; empty after any other check. */
    private QuietState lastQuiet;

    private long lastSettleNanos;
    /** This instance took the partition beyond its share, because nobody else served it. */
    boolean beyondShare;

    ConsumerWatch(
            RunnerSettings<?> settings,
            Partition partition,
            EventFeed feed,
            PartitionShare share,
            PartitionProgress progress,
            DeliverySession session,
            StreamGaps<?> gaps,
            StopSignal stop,
            Runnable onProgress) {
        this.s = settings;
        this.partition = partition;
        this.feed = feed;
        this.share = share;
        this.progress = progress;
        this.session = session;
        this.gaps = gaps;
        this.stop = stop;
        this.onProgress = onProgress;
        this.suffix = PartitionWorker.suffix(partition);
    }

    /** The consumer was (re)opened. */
    void opened() {
        idleSinceNanos = 0;
        checkSoon();
    }

    /** A message arrived. */
    void delivered() {
        idleSinceNanos = 0;
        checkSoon();
    }

    /** The next idle checks come every {@link #IDLE_CHECK} again. */
    private void checkSoon() {
        idleCheckNanos = IDLE_CHECK.toNanos();
        lastQuiet = null;
    }

    /**
     * The longest pause between two idle checks: half the failover time. A take-over is never slowed by it: when the
     * active instance dies holding unacknowledged events, its pin lasts at least two thirds of the failover time after
     * it received them (its pulls expire after a third), so a standby checks at least once while the events are
     * unacknowledged – not quiet: it checks every second again – and reads them within a second of the pin's end.
     */
    private long idleCheckCeiling() {
        return Math.max(IDLE_CHECK.toNanos(), s.failoverAfter().dividedBy(2).toNanos());
    }

    /** The parts of a feed's state an idle worker acts on (not the pull requests waiting, which come and go). */
    private record QuietState(long ackFloor, long delivered, java.util.Optional<String> pinnedClient, boolean active) {}

    /**
     * After an idle check: doubles the pause when the consumer is quiet – nothing to deliver, nothing unacknowledged,
     * everything settled here – and unchanged since the previous check; back to {@link #IDLE_CHECK} otherwise.
     */
    private void paceIdleChecks(FeedState info, boolean active, boolean settled) {
        QuietState now = info.pending() == 0 && info.ackPending() == 0 && settled
                ? new QuietState(info.ackFloor(), info.delivered(), info.pinnedClient(), active)
                : null;
        if (now != null && now.equals(lastQuiet)) {
            idleCheckNanos = Math.min(idleCheckCeiling(), idleCheckNanos * 2);
        } else {
            idleCheckNanos = IDLE_CHECK.toNanos();
        }
        lastQuiet = now;
    }

    /** After an event was handled, with the consumer's count of events still to deliver. */
    void afterEvent(long pending) {
        if (pending == 0) {
            if (feed.acknowledged()) {
                // nothing left to deliver, but events delivered to an instance that died are still unacknowledged:
                // let the next idle check verify with the server (and read those events itself)
                lastIdleCheckNanos = 0;
                checkSoon();
            } else {
                progress.markCaughtUp();
            }
        } else {
            progress.caughtUpNow = false;
        }
        onProgress.run();
    }

    /**
     * Waits without pulling while this instance holds its share of partitions ({@link
     * ProjectionRunner.Builder#maxActivePartitions(int)}), reporting the shared consumer's progress. Returns true when
     * it may take the partition – room was made, or nobody has served the partition for twice the failover time (then
     * it takes it beyond its share, so the projection never stops while one instance lives) – and false when stopped.
     */
    boolean standBack() throws InterruptedException {
        progress.active = false;
        beyondShare = false;
        long unattendedSince = 0;
        while (!stop.requested()) {
            if (share.hasRoomFor(partition)) {
                return true;
            }
            try {
                FeedState info = feed.state();
                progress.position = Math.max(progress.position, info.ackFloor());
                progress.pendingEvents = info.pending();
                if (info.pending() == 0 && info.ackPending() == 0) {
                    progress.markCaughtUp();
                    onProgress.run();
                }
                boolean unattended = info.nobodyPinned() && (info.pending() > 0 || info.ackPending() > 0);
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
                            suffix,
                            s.failoverAfter().multipliedBy(2).toSeconds());
                    beyondShare = true;
                    share.force(partition);
                    return true;
                }
            } catch (FeedFailure e) {
                if (e.kind() != FeedFailure.Kind.UNAVAILABLE) {
                    return true; // no consumer yet: someone must create it
                }
                LOG.debug("projection '{}'{}: consumer info unavailable: {}", s.name(), suffix, e.toString());
            } catch (RuntimeException e) {
                LOG.debug("projection '{}'{}: consumer info unavailable: {}", s.name(), suffix, e.toString());
            }
            if (stop.await(500)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Checks the consumer while no message arrives: whether this instance is the active one, whether the projection
     * caught up, and whether the consumer looks stalled – the server reports deliverable events, yet nothing was
     * delivered for {@link #STALL} although this instance holds the pin or nobody does (seen after a cluster failover:
     * the pull requests were lost with the node that held them). Returns true when the caller must reopen it.
     */
    boolean onIdle(SessionStart sessionStart) throws InterruptedException {
        if (s.feeds().closedForGood()) {
            throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", null);
        }
        long now = System.nanoTime();
        if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        }
        if (now - lastIdleCheckNanos < idleCheckNanos) {
            return false;
        }
        lastIdleCheckNanos = now;
        try {
            FeedState info = feed.state();
            boolean active = feed.isActive(info, session.lastPinId());
            progress.active = active;
            if (!active) {
                share.release(partition);
            }
            boolean nobodyPinned = !feed.acknowledged() || info.nobodyPinned();
            if (!active && feed.acknowledged()) {
                // another instance is active: the shared ack floor is the projection's position
                progress.position = Math.max(progress.position, info.ackFloor());
                session.open = false;
            }
            progress.pendingEvents = info.pending();
            // a feed without acknowledgements never redelivers: a delivery lost at its tail (no later one shows a jump
            // in feed sequences) is settled only once the position reached the last event the store delivered
            boolean settled = feed.acknowledged()
                    ? info.ackPending() == 0 || (active && progress.position >= info.delivered())
                    : progress.position >= info.delivered();
            if (info.pending() == 0 && !settled && (active || nobodyPinned)) {
                // the rest was delivered to an instance that died (or lost its pin), or lost on its way here: the
                // server would redeliver it only after the ack wait, or never, so read it from the stream now
                if (!session.open && !sessionStart.begin()) {
                    return false;
                }
                ApplyResult tail = fillTail();
                if (tail == ApplyResult.ABANDONED) {
                    return true; // the consumer was given up while the call hung: reopen it
                }
                settled = tail == ApplyResult.DONE;
            }
            if (info.pending() == 0
                    && settled
                    && info.ackPending() > 0
                    && active
                    && now - lastSettleNanos > STALL.toNanos()) {
                // everything delivered is processed here; what is still unacknowledged was delivered to an
                // instance that is gone or handed the partition over: drop those redeliveries now
                lastSettleNanos = now;
                feed.settleAt(progress.position);
            }
            if (info.pending() == 0 && settled) {
                progress.markCaughtUp();
                onProgress.run();
            } else if (info.pending() > 0) {
                progress.caughtUpNow = false;
            }
            paceIdleChecks(info, active, settled);
            if (info.pending() > 0 && (active || nobodyPinned) && now - idleSinceNanos > STALL.toNanos()) {
                LOG.warn(
                        "projection '{}'{}: no delivery for {} s although the consumer reports {} pending events;"
                                + " reopening it after sequence {}",
                        s.name(),
                        suffix,
                        STALL.toSeconds(),
                        info.pending(),
                        progress.position);
                idleSinceNanos = 0;
                progress.caughtUpNow = false;
                if (info.ackPending() > 0) {
                    // deliveries held by an instance that died may have used up max_ack_pending: nothing more is
                    // delivered until their ack wait ends – restart delivery after what is applied instead
                    feed.settleAt(progress.position);
                }
                return true;
            }
        } catch (RuntimeException e) {
            checkSoon();
            LOG.debug("projection '{}'{}: consumer info unavailable: {}", s.name(), suffix, e.toString());
        }
        return false;
    }

    /**
     * Reads and processes every matching event after the position up to the end of the stream: the events a dead
     * instance received but never acknowledged, which the server would redeliver only after the ack wait. Returns
     * {@link ApplyResult#DONE} when the end was reached.
     */
    private ApplyResult fillTail() {
        ApplyResult r;
        try {
            r = gaps.read(-1);
        } catch (RuntimeException e) {
            if (e instanceof ProjectionHalted) {
                throw e;
            }
            LOG.debug("projection '{}'{}: tail not read ({})", s.name(), suffix, e.toString());
            return ApplyResult.STOPPING;
        }
        if (r == ApplyResult.CHECKPOINT_MOVED) {
            session.open = false; // the next delivery starts a session with a fresh checkpoint
        }
        return r;
    }
}
