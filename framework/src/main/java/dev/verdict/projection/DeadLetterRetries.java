package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.RetryClaim;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry requests of one partition ({@code verdict dead-letters retry}): the runner's watch on the dead letters
 * ({@link DeadLetters#watchRetryRequests}) reports each requested sequence here, and the worker's thread applies them
 * while this instance is the active one for the partition – the one NATS pinned. A request is applied only after
 * {@link DeadLetters#claimRetry claiming} it, so of several instances that believe to be active at a take-over, one
 * applies it.
 *
 * <p>The event is read again from the stream and applied through the projection's normal path: below the checkpoint
 * (the usual case: later events were applied since) with {@link Projection#applyOutOfOrder}, which leaves the
 * checkpoint where it is; above it – no event of the partition was applied since it was dead-lettered – as the next
 * event in order, so the checkpoint moves to it (and a restart does not apply it a second time).
 */
final class DeadLetterRetries<E> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
    /** A request that could not be handled (the store unreachable) is tried again after this pause. */
    private static final long PAUSE_AFTER_FAILURE_NANOS = 1_000_000_000L;

    private final RunnerSettings<E> s;
    private final Partition partition;
    private final EventFeed feed;
    private final EventApplier<E> applier;
    private final PartitionProgress progress;
    private final DeadLetterBook book;
    private final String runner;
    private final Set<Long> requested = ConcurrentHashMap.newKeySet();
    private long pausedUntilNanos;
    private long lastPinCheckNanos;

    DeadLetterRetries(
            RunnerSettings<E> settings,
            Partition partition,
            EventFeed feed,
            EventApplier<E> applier,
            PartitionProgress progress,
            DeadLetterBook book,
            String runner) {
        this.s = settings;
        this.partition = partition;
        this.feed = feed;
        this.applier = applier;
        this.progress = progress;
        this.book = book;
        this.runner = runner;
    }

    /** A retry of that event was requested (any thread). */
    void requested(long sequence) {
        requested.add(sequence);
    }

    /** The request on that event was claimed, answered or removed (any thread): nothing to do here any more. */
    void settled(long sequence) {
        requested.remove(sequence);
    }

    /**
     * Applies the requested retries if this instance is the partition's active one (worker thread) – or, while NATS
     * pins no instance to the consumer (nothing was delivered since the instances started), if it wins the claim: an
     * idle projection still answers its retries. A standby with requests asks the server about the pin at most once a
     * second, and only until the watch reports the requests settled by the active instance.
     */
    void runIfActive() {
        long now = System.nanoTime();
        if (requested.isEmpty() || now - pausedUntilNanos < 0) {
            return;
        }
        if (!progress.active) {
            if (now - lastPinCheckNanos < PAUSE_AFTER_FAILURE_NANOS) {
                return;
            }
            lastPinCheckNanos = now;
            try {
                if (!feed.state().nobodyPinned()) {
                    return; // another instance holds the partition: it applies them
                }
            } catch (RuntimeException e) {
                LOG.debug("projection '{}': consumer state not read ({})", s.name(), e.toString());
                return;
            }
        }
        for (Long sequence : List.copyOf(requested)) {
            try {
                run(sequence);
                requested.remove(sequence);
            } catch (RuntimeException e) {
                if (e instanceof ProjectionHalted) {
                    throw e;
                }
                LOG.warn(
                        "projection '{}'{}: retry of dead letter {} not handled now ({}); trying again",
                        s.name(),
                        PartitionWorker.suffix(partition),
                        sequence,
                        e.toString());
                pausedUntilNanos = System.nanoTime() + PAUSE_AFTER_FAILURE_NANOS;
                return;
            }
        }
    }

    private void run(long sequence) {
        DeadLetters store = s.deadLetters().get();
        Optional<RetryClaim> claimed = store.claimRetry(s.filter().stream(), s.name(), sequence, runner);
        if (claimed.isEmpty()) {
            return; // no request any more, or another instance took it
        }
        RetryClaim claim = claimed.get();
        try {
            retry(store, claim, sequence);
        } catch (RuntimeException e) {
            if (e instanceof ProjectionHalted) {
                throw e;
            }
            // answer the request, so it does not stay claimed by this instance
            store.retryFailed(claim, again(claim.letter(), "retry not applied: " + e));
            throw e;
        }
    }

    private void retry(DeadLetters store, RetryClaim claim, long sequence) {
        DeadLetter letter = claim.letter();
        String identity = s.feeds().streamIdentity();
        if (letter.streamIdentity().isPresent()
                && !letter.streamIdentity().get().equals(identity)) {
            store.retryFailed(claim, again(letter, "the event belongs to an earlier incarnation of the stream"));
            return;
        }
        Optional<EventDelivery> message = s.feeds().readOne(letter.subject(), sequence);
        if (message.isEmpty()) {
            store.retryFailed(claim, again(letter, "the event is no longer in the stream"));
            return;
        }
        EventApplier.Attempt outcome = applyEvent(message.get(), sequence);
        if (outcome.abandoned()) {
            LOG.warn(
                    "projection '{}': the retry of dead letter {} ran past the apply timeout; its request stays"
                            + " claimed by {} – request it again",
                    s.name(),
                    sequence,
                    runner);
            return;
        }
        if (outcome.failure() == null) {
            store.retryApplied(claim);
            book.removed(sequence);
            LOG.info("projection '{}': dead letter {}#{} retried and applied", s.name(), letter.stream(), sequence);
        } else {
            store.retryFailed(claim, applier.deadLetterOf(message.get(), outcome, letter.attempts() + 1));
            LOG.warn(
                    "projection '{}': dead letter {}#{} retried and failed again: {}",
                    s.name(),
                    letter.stream(),
                    sequence,
                    outcome.failure().toString());
        }
    }

    /**
     * Applies the event out of order below the stored checkpoint, as the next event above it. The checkpoint is read
     * from storage, not taken from this worker's memory: applied in order against a stale expectation, a checkpointed
     * projection would take the event for one it already applied and skip it.
     */
    private EventApplier.Attempt applyEvent(EventDelivery m, long sequence) {
        EventApplier.Attempt outcome = null;
        for (int i = 0; i < 2; i++) {
            OptionalLong stored = s.projection().checkpoint(partition);
            boolean inOrder = stored.isPresent() && sequence > stored.getAsLong();
            if (inOrder) {
                progress.expected = stored.getAsLong();
            }
            outcome = applier.attempt(m, !inOrder);
            if (outcome.failure() instanceof CheckpointMoved) {
                continue; // another instance (or a rebuild) moved it meanwhile: decide again on the stored one
            }
            if (inOrder && outcome.failure() == null && !outcome.abandoned() && !outcome.dropped()) {
                progress.expected = sequence; // the projection stored it as its checkpoint
            }
            return outcome;
        }
        return outcome;
    }

    private static DeadLetter again(DeadLetter l, String detail) {
        return new DeadLetter(
                l.projection(),
                l.stream(),
                l.sequence(),
                l.subject(),
                l.eventType(),
                l.reason(),
                detail,
                l.attempts() + 1,
                l.recordedAt(),
                l.streamIdentity());
    }
}
