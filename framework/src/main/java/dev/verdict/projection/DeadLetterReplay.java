package dev.verdict.projection;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.nats.NatsDelivery;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
    private final DeadLetterStore store;

    DeadLetterReplay(RunnerSettings<E> settings, PartitionWorker<E> replayer, DeadLetterStore store) {
        this.s = settings;
        this.replayer = replayer;
        this.store = store;
    }

    /** Replays every dead letter of the projection; returns those that still fail. */
    List<DeadLetter> replayAll() {
        List<DeadLetter> stillFailing = new ArrayList<>();
        for (DeadLetter letter : store.list(s.filter().stream(), s.name())) {
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
        String name = "verdict-" + s.name() + "-replay-"
                + UUID.randomUUID().toString().substring(0, 8);
        Connection connection = s.connection();
        String stream = s.filter().stream();
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            jsm.addOrUpdateConsumer(
                    stream,
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
                        .getStreamContext(stream)
                        .getConsumerContext(name)
                        .next(Duration.ofSeconds(2));
                return m != null && m.isJetStream() && m.metaData().streamSequence() == sequence
                        ? Optional.of(NatsDelivery.read(s.filter().store(), m))
                        : Optional.empty();
            } finally {
                jsm.deleteConsumer(stream, name);
            }
        } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException e) {
            throw new ProjectionFailure("cannot read " + stream + "#" + sequence + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionFailure("interrupted while reading " + stream + "#" + sequence, e);
        }
    }
}
