package dev.verdict.projection;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one partition worker that its runner reports: written by the worker's thread (and, while the worker is
 * stopped, by the runner), read by any thread.
 */
final class PartitionProgress {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private final String label;

    volatile RunnerState state = RunnerState.NEW;
    /** The stream sequence up to which this partition's events are processed (applied, passed over or dead-lettered). */
    volatile long position;
    /** The checkpoint the projection is expected to hold, or -1 when unknown (see {@link DeliveredEvent}). */
    volatile long expected = -1;

    volatile long pendingEvents = -1;
    volatile boolean caughtUpNow;
    volatile boolean active;
    volatile long applied;
    volatile long skipped;
    volatile long deadLettered;
    volatile long gapsFilled;
    volatile long sessions;
    volatile Optional<String> failure = Optional.empty();
    /** Why the worker is retrying right now (its storage or the server unavailable); empty while it progresses. */
    volatile Optional<String> waiting = Optional.empty();

    volatile CompletableFuture<Void> caughtUp = new CompletableFuture<>();

    // the call into the projection in progress, guarded by calls: see callStarted, callEnded, abandonIfOverdue
    private final Object calls = new Object();
    private long callStartedNanos;
    private long callSequence;
    private boolean abandoned;

    PartitionProgress(String label) {
        this.label = label;
    }

    /** Before a (re)start: the counters of this run start at zero, a new caught-up signal after the first run. */
    void restart() {
        if (state != RunnerState.NEW) {
            caughtUp = new CompletableFuture<>();
            caughtUpNow = false;
        }
        failure = Optional.empty();
        applied = 0;
        skipped = 0;
        deadLettered = 0;
        state = RunnerState.RUNNING;
    }

    /** Forgets the position (a rebuild, a new stream). */
    void resetPosition() {
        position = 0;
        expected = -1;
    }

    /** The projection resumes after its stored checkpoint. */
    void resumeAt(long checkpoint) {
        position = checkpoint;
        expected = checkpoint;
    }

    /** An event of this partition was applied (or dead-lettered) at {@code sequence}. */
    void advanceTo(long sequence) {
        position = sequence;
        if (expected >= 0) {
            expected = sequence;
        }
    }

    /** The worker calls the projection to apply the event at {@code sequence} (the first of a batch). */
    void callStarted(long sequence) {
        synchronized (calls) {
            callStartedNanos = Math.max(1, System.nanoTime());
            callSequence = sequence;
        }
    }

    /**
     * The call into the projection returned. True when it had run past the bound and was abandoned meanwhile: then its
     * result must be discarded – the event is neither acknowledged nor counted as processed.
     */
    boolean callEnded() {
        synchronized (calls) {
            callStartedNanos = 0;
            return abandoned;
        }
    }

    /**
     * When a call into the projection has run longer than {@code bound}, marks it abandoned (once) and runs {@code
     * giveUp} with the sequence it was applying, before the worker can see the call end. False when no call is overdue.
     */
    boolean abandonIfOverdue(Duration bound, LongConsumer giveUp) {
        synchronized (calls) {
            if (callStartedNanos == 0 || abandoned || System.nanoTime() - callStartedNanos < bound.toNanos()) {
                return false;
            }
            abandoned = true;
            giveUp.accept(callSequence);
            return true;
        }
    }

    /** The abandoned call has returned and its result was discarded: the worker serves again. */
    void recovered() {
        synchronized (calls) {
            abandoned = false;
        }
        failure = Optional.empty();
        state = RunnerState.RUNNING;
    }

    void markCaughtUp() {
        caughtUpNow = true;
        if (!caughtUp.isDone()) {
            LOG.info("{} caught up at sequence {}", label, position);
            caughtUp.complete(null);
        }
    }
}
