package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.FeedFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-applies a stopped runner's dead letters in sequence order: each event is read again from the stream, decoded and
 * given to {@link Projection#applyOutOfOrder}; those that succeed are removed from the store, those that fail again
 * are recorded with the new reason.
 */
final class DeadLetterReplay<E> {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final RunnerSettings<E> s;
    private final PartitionWorker<E> replayer;
    private final DeadLetters store;

    DeadLetterReplay(RunnerSettings<E> settings, PartitionWorker<E> replayer, DeadLetters store) {
        this.s = settings;
        this.replayer = replayer;
        this.store = store;
    }

    /** Replays every dead letter of the projection; returns those that still fail. */
    List<DeadLetter> replayAll() {
        List<DeadLetter> stillFailing = new ArrayList<>();
        String identity;
        try {
            identity = s.feeds().streamIdentity();
        } catch (FeedFailure e) {
            throw new ProjectionFailure(
                    "cannot read the identity of stream " + s.filter().stream() + ": " + e.getMessage(), e);
        }
        for (DeadLetter letter : store.list(s.filter().stream(), s.name())) {
            if (letter.streamIdentity().isPresent()
                    && !letter.streamIdentity().get().equals(identity)) {
                // the stream was deleted and created again since: its sequence names another event now
                LOG.warn(
                        "dead letter {}#{} of '{}' belongs to an earlier incarnation of the stream; kept, not replayed",
                        letter.stream(),
                        letter.sequence(),
                        s.name());
                stillFailing.add(letter);
                continue;
            }
            Optional<EventDelivery> message = fetchOne(letter.subject(), letter.sequence());
            if (message.isEmpty()) {
                LOG.warn(
                        "dead letter {}#{} of '{}' no longer exists in the stream; kept",
                        letter.stream(),
                        letter.sequence(),
                        s.name());
                stillFailing.add(letter);
                continue;
            }
            var failed = replayer.replay(message.get());
            if (failed.isEmpty()) {
                store.remove(letter);
                LOG.info("replayed dead letter {}#{} of '{}'", letter.stream(), letter.sequence(), s.name());
            } else {
                DeadLetter again = replayer.deadLetterOf(message.get(), failed.get(), letter.attempts() + 1);
                store.record(again);
                stillFailing.add(again);
            }
        }
        return stillFailing;
    }

    private Optional<EventDelivery> fetchOne(String subject, long sequence) {
        try {
            return s.feeds().readOne(subject, sequence);
        } catch (FeedFailure e) {
            throw new ProjectionFailure(
                    "cannot read " + s.filter().stream() + "#" + sequence + ": " + e.getMessage(), e);
        }
    }
}
