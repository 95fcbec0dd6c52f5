package dev.verdict.projection;

import dev.verdict.store.FeedFailure;
import dev.verdict.store.FeedState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link ProjectionRunner} reports about its partition workers – status, position, lag and rebuild progress –
 * read from their progress without changing anything (the lag alone asks the server). Thread-safe: each worker's
 * progress fields are volatile.
 */
final class RunnerReadings<E> {
    private final RunnerSettings<E> settings;
    private final List<PartitionWorker<E>> workers;

    RunnerReadings(RunnerSettings<E> settings, List<PartitionWorker<E>> workers) {
        this.settings = settings;
        this.workers = workers;
    }

    /** The current status, without a server round trip. */
    ProjectionStatus status() {
        RunnerState state = RunnerState.NEW;
        long position = Long.MAX_VALUE;
        long pending = -1;
        boolean allCaughtUp = true;
        boolean active = false;
        long applied = 0;
        long skipped = 0;
        long deadLettered = 0;
        Optional<String> failure = Optional.empty();
        List<PartitionStatus> partitions = new ArrayList<>();
        for (PartitionWorker<E> w : workers) {
            PartitionProgress p = w.progress();
            state = worse(state, p.state);
            position = Math.min(position, p.position);
            pending = Math.max(pending, p.pendingEvents);
            allCaughtUp &= p.caughtUpNow;
            active |= w.active();
            applied += p.applied;
            skipped += p.skipped;
            deadLettered += p.deadLettered;
            if (failure.isEmpty()) {
                failure = p.failure;
            }
            partitions.add(new PartitionStatus(
                    w.partition(),
                    w.consumerName(),
                    w.active(),
                    p.position,
                    p.caughtUpNow,
                    p.applied,
                    p.gapsFilled,
                    p.waiting));
        }
        return new ProjectionStatus(
                settings.name(),
                state,
                position,
                pending,
                allCaughtUp,
                applied,
                skipped,
                deadLettered,
                failure,
                active,
                partitions);
    }

    private static RunnerState worse(RunnerState a, RunnerState b) {
        for (RunnerState s : List.of(RunnerState.FAILED, RunnerState.STUCK, RunnerState.RUNNING, RunnerState.STOPPED)) {
            if (a == s || b == s) {
                return s;
            }
        }
        return RunnerState.NEW;
    }

    /** See {@link ProjectionRunner#awaitPosition(long, Duration)}. */
    boolean awaitPosition(long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean reached = true;
            boolean failed = false;
            for (PartitionWorker<E> w : workers) {
                reached &= w.progress().position >= sequence;
                failed |= w.progress().state == RunnerState.FAILED;
            }
            if (reached) {
                return true;
            }
            if (failed || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    /** See {@link ProjectionRunner#lag()}. */
    ProjectionLag lag() {
        try {
            long last = settings.feeds().lastSequence();
            long position = Long.MAX_VALUE;
            long pending = 0;
            for (PartitionWorker<E> w : workers) {
                position = Math.min(position, w.progress().position);
                long p = Math.max(0, w.progress().pendingEvents);
                if (settings.shared()) {
                    try {
                        FeedState info = w.feedState();
                        p = info.pending() + info.ackPending();
                        position = Math.min(Math.max(w.progress().position, info.ackFloor()), position);
                    } catch (FeedFailure e) {
                        if (e.kind() == FeedFailure.Kind.UNAVAILABLE) {
                            throw e;
                        }
                        // no consumer yet: fall back to what the last message said
                    }
                }
                pending = Math.max(pending, p);
            }
            return new ProjectionLag(last, position == Long.MAX_VALUE ? 0 : position, pending);
        } catch (FeedFailure e) {
            throw new ProjectionFailure(
                    "cannot read the lag of projection '" + settings.name() + "': " + e.getMessage(), e);
        }
    }

    /** Reports a rebuild's progress; true when the rebuild is over (caught up, or ended – then it failed). */
    boolean reportRebuild(RebuildTracker r) {
        long processed = 0;
        boolean finished = true;
        boolean ended = false;
        for (PartitionWorker<E> w : workers) {
            PartitionProgress p = w.progress();
            processed += p.applied + p.skipped + p.deadLettered;
            finished &= p.caughtUpNow;
            ended |= p.state == RunnerState.FAILED || p.state == RunnerState.STOPPED;
        }
        r.maybeReport(processed, finished);
        if (finished) {
            return true;
        }
        if (ended && !r.done.isDone()) {
            r.done.completeExceptionally(new IllegalStateException("rebuild of '" + settings.name()
                    + "' ended before it caught up: " + status().failure().orElse("stopped")));
            return true;
        }
        return false;
    }
}
