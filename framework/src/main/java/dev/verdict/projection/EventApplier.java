package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one message of a partition (or passes over another partition's), or a batch of them, with retries and dead letters: a failing
 * event is retried with backoff and then dead-lettered (or halts the projection, see {@link PoisonPolicy}); an
 * outage of the projection's storage ({@link ProjectionUnavailable}) is retried without counting and never
 * dead-lettered; a moved checkpoint is reported to the caller. Used by the worker's thread only.
 */
final class EventApplier<E> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    /**
     * One attempt: its failure (null when applied), why it counts as poison, the event's type when known, and whether
     * the call ran past the apply timeout and was abandoned (then nothing else about it counts).
     */
    record Attempt(
            PoisonReason reason,
            RuntimeException failure,
            Optional<String> eventType,
            boolean abandoned,
            boolean dropped) {
        Attempt(PoisonReason reason, RuntimeException failure, Optional<String> eventType) {
            this(reason, failure, eventType, false, false);
        }

        Attempt(PoisonReason reason, RuntimeException failure, Optional<String> eventType, boolean abandoned) {
            this(reason, failure, eventType, abandoned, false);
        }
    }

    private final RunnerSettings<E> s;
    private final Partition partition;
    private final EventFeed feed;
    private final PartitionProgress progress;
    private final DeadLetterBook deadLetters;
    private final StopSignal stop;
    private final String suffix;

    EventApplier(
            RunnerSettings<E> settings,
            Partition partition,
            EventFeed feed,
            PartitionProgress progress,
            DeadLetterBook deadLetters,
            StopSignal stop) {
        this.s = settings;
        this.partition = partition;
        this.feed = feed;
        this.progress = progress;
        this.deadLetters = deadLetters;
        this.stop = stop;
        this.suffix = PartitionWorker.suffix(partition);
    }

    /** The way back when a batch fails: its events applied one by one, each retried and dead-lettered alone. */
    interface OneByOne {
        ApplyResult apply(List<EventDelivery> batch) throws InterruptedException;
    }

    /**
     * Applies consecutive deliveries with one {@link Projection#applyBatch} call and acknowledges them after it; if
     * anything fails (an unreadable event, the projection, a moved checkpoint), nothing of the batch was applied and
     * the events go the one-by-one way, so a failing event is retried and dead-lettered alone.
     */
    ApplyResult applyBatch(List<EventDelivery> batch, OneByOne oneByOne) throws InterruptedException {
        List<DeliveredEvent<E>> own = new ArrayList<>(batch.size());
        long chain = progress.expected;
        for (EventDelivery m : batch) {
            if (ofAnotherPartition(m)) {
                continue;
            }
            try {
                var recorded = s.reader().read(m);
                List<E> events = s.codec().decodeAll(recorded.event());
                for (E event : events) { // the events of one stored message share its sequence and expectation
                    own.add(new DeliveredEvent<>(event, recorded, partition, chain));
                }
                if (chain >= 0 && !events.isEmpty()) {
                    chain = recorded.sequence();
                }
            } catch (RuntimeException e) {
                return oneByOne.apply(batch);
            }
        }
        if (!own.isEmpty()) {
            progress.callStarted(own.get(0).sequence());
            try {
                s.projection().applyBatch(own);
            } catch (RuntimeException e) {
                if (progress.callEnded()) {
                    abandoned(own.get(0).sequence());
                    return ApplyResult.ABANDONED;
                }
                LOG.debug(
                        "projection '{}'{}: a batch of {} events failed ({}); applying them one by one",
                        s.name(),
                        suffix,
                        own.size(),
                        e.toString());
                return oneByOne.apply(batch);
            } catch (Error e) {
                progress.callEnded();
                throw e;
            }
            if (progress.callEnded()) {
                abandoned(own.get(0).sequence());
                return ApplyResult.ABANDONED;
            }
        }
        progress.applied += own.size();
        progress.waiting = Optional.empty();
        progress.expected = chain;
        for (EventDelivery m : batch) {
            progress.position = m.streamSequence();
            m.ack();
        }
        for (DeliveredEvent<E> event : own) {
            deadLetters.forget(event.sequence());
        }
        return ApplyResult.DONE;
    }

    /** Whether the message belongs to another partition (then this partition passes over it). */
    boolean ofAnotherPartition(EventDelivery m) {
        return !partition.isWhole() && !partition.equals(Partition.ofSubject(m.subject(), partition.count()));
    }

    /** Applies one message of this partition (or passes over another partition's), with retries and dead letters. */
    ApplyResult process(EventDelivery m, boolean fromConsumer) throws InterruptedException {
        long sequence = m.streamSequence();
        if (ofAnotherPartition(m)) {
            progress.position = sequence;
            if (fromConsumer) {
                m.ack();
            }
            return ApplyResult.DONE;
        }
        int attemptNo = 1;
        while (true) {
            Attempt outcome = attempt(m, false);
            if (outcome.abandoned()) {
                return ApplyResult.ABANDONED;
            }
            if (outcome.failure() == null) {
                progress.applied++;
                progress.waiting = Optional.empty();
                if (outcome.dropped()) {
                    // upcasting read it as no event: passed over like another partition's, the checkpoint stays
                    progress.position = sequence;
                } else {
                    progress.advanceTo(sequence);
                }
                if (fromConsumer) {
                    m.ack();
                }
                deadLetters.forget(sequence);
                return ApplyResult.DONE;
            }
            if (outcome.failure() instanceof CheckpointMoved moved) {
                LOG.info(
                        "projection '{}'{}: {}; resuming after the stored checkpoint",
                        s.name(),
                        suffix,
                        moved.getMessage());
                return ApplyResult.CHECKPOINT_MOVED;
            }
            boolean unavailable = outcome.failure() instanceof ProjectionUnavailable;
            if (unavailable) {
                progress.waiting = Optional.of("unavailable at sequence " + sequence + ": " + outcome.failure());
            }
            if (!unavailable && attemptNo >= s.retryPolicy().maxAttempts()) {
                poison(m, outcome, attemptNo, fromConsumer);
                return ApplyResult.DONE;
            }
            // storage outages are not the event's fault: retry them without counting, never dead-letter
            Duration pause =
                    unavailable ? s.retryPolicy().maxBackoff() : s.retryPolicy().backoffAfter(attemptNo);
            LOG.warn(
                    "projection '{}'{}: attempt {} of {} failed at sequence {} ({}); retrying in {} ms",
                    s.name(),
                    suffix,
                    attemptNo,
                    s.retryPolicy().maxAttempts(),
                    sequence,
                    outcome.failure().toString(),
                    pause.toMillis());
            if (fromConsumer) {
                m.inProgress();
            }
            if (stop.await(pause.toMillis())) {
                return ApplyResult.STOPPING; // leave it unacknowledged: it comes again after a restart
            }
            if (!unavailable) {
                attemptNo++;
            }
        }
    }

    /** Reads, decodes and applies one message; exceptions become a failed attempt, errors propagate. */
    Attempt attempt(EventDelivery m, boolean outOfOrder) {
        RecordedEvent recorded;
        try {
            recorded = s.reader().read(m);
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNREADABLE_MESSAGE, e, Optional.empty());
        }
        List<E> events;
        try {
            events = s.codec().decodeAll(recorded.event());
        } catch (RuntimeException e) {
            return new Attempt(PoisonReason.UNDECODABLE_EVENT, e, Optional.of(recorded.type()));
        }
        if (events.isEmpty()) {
            return new Attempt(null, null, Optional.of(recorded.type()), false, true);
        }
        RuntimeException failure = null;
        progress.callStarted(recorded.sequence());
        try {
            if (outOfOrder) {
                for (E event : events) {
                    s.projection().applyOutOfOrder(new DeliveredEvent<>(event, recorded, partition, -1));
                }
            } else if (events.size() == 1) {
                s.projection().apply(new DeliveredEvent<>(events.get(0), recorded, partition, progress.expected));
            } else {
                // one stored message split by upcasting: its events together, so that they are applied all or none
                List<DeliveredEvent<E>> split = new ArrayList<>(events.size());
                for (E event : events) {
                    split.add(new DeliveredEvent<>(event, recorded, partition, progress.expected));
                }
                s.projection().applyBatch(split);
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            progress.callEnded();
            throw e;
        }
        if (progress.callEnded()) {
            abandoned(recorded.sequence());
            return new Attempt(null, null, Optional.of(recorded.type()), true);
        }
        return failure == null
                ? new Attempt(null, null, Optional.of(recorded.type()))
                : new Attempt(PoisonReason.HANDLER_FAILED, failure, Optional.of(recorded.type()));
    }

    /** Logs that the late result of an abandoned call is discarded. */
    void abandoned(long sequence) {
        LOG.warn(
                "projection '{}'{}: the call applying sequence {} returned after it was abandoned; its result is"
                        + " discarded and the consumer reopened",
                s.name(),
                suffix,
                sequence);
    }

    /** Replays one dead letter's message out of order; returns the failure, or empty when it applied. */
    Optional<Attempt> replay(EventDelivery m) {
        Attempt outcome = attempt(m, true);
        return outcome.failure() == null ? Optional.empty() : Optional.of(outcome);
    }

    /** The dead letter of a message whose attempts failed. */
    DeadLetter deadLetterOf(EventDelivery m, Attempt outcome, int attempts) {
        return deadLetters.letterOf(m, outcome, attempts);
    }

    private void poison(EventDelivery m, Attempt outcome, int attempts, boolean fromConsumer) {
        DeadLetter letter = deadLetters.letterOf(m, outcome, attempts);
        deadLetters.record(letter, stop::requested);
        progress.deadLettered++;
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
                outcome.failure());
        progress.position = letter.sequence();
        if (fromConsumer) {
            m.ack();
        }
    }
}
