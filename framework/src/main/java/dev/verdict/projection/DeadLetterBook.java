package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventDelivery;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition worker's view of its projection's dead letters: records them (patiently – an event is never passed over
 * unrecorded), and removes the dead letter of an event that is applied after all (a rebuild, a fix). Used by the
 * worker's thread only.
 */
final class DeadLetterBook {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private final RunnerSettings<?> s;
    private Set<Long> sequences = Set.of();

    DeadLetterBook(RunnerSettings<?> settings) {
        this.s = settings;
    }

    /**
     * Lists the projection's dead letters again – at the start of every session: while this instance stood by, another
     * one may have recorded some, and an event this one applies after all must lose its dead letter. Within a session
     * this instance is the only one applying (it holds the pin), so the list it keeps stays true.
     */
    void load() {
        try {
            sequences = new HashSet<>(s.deadLetters().get().sequences(s.filter().stream(), s.name()));
        } catch (RuntimeException e) {
            LOG.debug("projection '{}': dead letters not listed ({})", s.name(), e.toString());
            sequences = Set.of();
        }
    }

    /**
     * Records a dead letter, retrying while its bucket cannot be written.
     *
     * @throws ProjectionFailure when stopped before it was recorded: the event stays unacknowledged
     */
    void record(DeadLetter letter, BooleanSupplier stopped) {
        boolean recorded;
        try {
            recorded = s.deadLetters().get().recordPatiently(letter, s.retryPolicy()::backoffAfter, stopped);
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
        Set<Long> known = new HashSet<>(sequences);
        known.add(letter.sequence());
        sequences = known;
    }

    /** The dead letter of that event was removed elsewhere (a retry applied it): nothing to remove any more. */
    void removed(long sequence) {
        if (sequences.contains(sequence)) {
            Set<Long> rest = new HashSet<>(sequences);
            rest.remove(sequence);
            sequences = rest;
        }
    }

    /** An event that failed before and has now been applied (a rebuild, a fix) is no longer a dead letter. */
    void forget(long sequence) {
        if (sequences.isEmpty() || !sequences.contains(sequence)) {
            return;
        }
        try {
            s.deadLetters().get().remove(s.filter().stream(), s.name(), sequence);
            LOG.info(
                    "projection '{}': {}#{} applied now; its dead letter is removed",
                    s.name(),
                    s.filter().stream(),
                    sequence);
            Set<Long> rest = new HashSet<>(sequences);
            rest.remove(sequence);
            sequences = rest;
        } catch (RuntimeException e) {
            LOG.warn(
                    "projection '{}': dead letter {} not removed ({}); replaying it would apply it again – remove it by hand",
                    s.name(),
                    sequence,
                    e.toString());
        }
    }

    /** The dead letter of a message whose attempts failed. */
    DeadLetter letterOf(EventDelivery m, EventApplier.Attempt outcome, int attempts) {
        long sequence = m.streamSequence();
        String detail = outcome.failure().getClass().getSimpleName() + ": "
                + outcome.failure().getMessage();
        Optional<String> type = outcome.eventType().isPresent() ? outcome.eventType() : m.eventType();
        return new DeadLetter(
                s.name(),
                s.filter().stream(),
                sequence,
                m.subject(),
                type,
                outcome.reason(),
                detail,
                attempts,
                s.clock().instant(),
                currentStreamIdentity());
    }

    /** The stream's identity now, if the store answers (a dead letter is recorded without it otherwise). */
    Optional<String> currentStreamIdentity() {
        try {
            return Optional.of(s.feeds().streamIdentity());
        } catch (RuntimeException e) {
            LOG.debug("projection '{}': stream identity not read ({})", s.name(), e.toString());
            return Optional.empty();
        }
    }
}
