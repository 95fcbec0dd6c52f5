package dev.verdict.store.nats;

import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.FeedFailure;
import dev.verdict.store.FeedSpec;
import dev.verdict.store.StoreName;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The {@link EventFeeds} of a Verdict event store on NATS JetStream: a shared feed is a durable pull consumer with the
 * priority policy {@code pinned_client} ({@link NatsSharedFeed}), a per-instance feed an ephemeral consumer without
 * acks ({@link NatsInstanceFeed}).
 */
public final class NatsEventFeeds implements EventFeeds {
    private static final Duration GAP_READ_TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final StoreName store;
    private final String stream;
    private final ConsumerReader reader;
    private volatile NatsDeadLetters deadLetters;

    /** The feeds of the stream {@code stream} of the store {@code store} on {@code connection}. */
    public NatsEventFeeds(Connection connection, StoreName store, String stream) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.store = Objects.requireNonNull(store, "store");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.reader = new ConsumerReader(connection, stream, GAP_READ_TIMEOUT);
    }

    @Override
    public void scan(List<String> subjects, long fromSequence, long lastSequence, Predicate<EventDelivery> visitor) {
        Predicate<Message> each = m -> visitor.test(NatsDelivery.read(store, m));
        if (lastSequence >= 0) {
            reader.scan(subjects, fromSequence, lastSequence, each);
        } else {
            reader.scanToEnd(subjects, fromSequence, each);
        }
    }

    /** Reads with a short-lived ephemeral consumer of the one subject, starting at the sequence. */
    @Override
    public Optional<EventDelivery> readOne(String subject, long sequence) {
        String name = "verdict-read-" + UUID.randomUUID().toString().substring(0, 8);
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
                        ? Optional.of(NatsDelivery.read(store, m))
                        : Optional.empty();
            } finally {
                jsm.deleteConsumer(stream, name);
            }
        } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException e) {
            throw NatsFeedFailures.of("cannot read " + stream + "#" + sequence, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedFailure(
                    FeedFailure.Kind.INTERRUPTED, "interrupted while reading " + stream + "#" + sequence, e);
        }
    }

    @Override
    public long lastSequence() {
        try {
            return connection
                    .jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getLastSequence();
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot read stream '" + stream + "'", e);
        }
    }

    @Override
    public EventFeed shared(FeedSpec spec) {
        return new NatsSharedFeed(connection, stream, spec);
    }

    @Override
    public EventFeed perInstance(FeedSpec spec) {
        return new NatsInstanceFeed(connection, stream, spec);
    }

    /** The stream's creation time (ISO-8601). */
    @Override
    public String streamIdentity() {
        try {
            return NatsEventStore.identityOf(connection.jetStreamManagement().getStreamInfo(stream));
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot read stream '" + stream + "'", e);
        }
    }

    @Override
    public boolean closedForGood() {
        return connection.getStatus() == Connection.Status.CLOSED;
    }

    /** {@link NatsDeadLetters#openForStream}, opened on the first call (another try after a failed one). */
    @Override
    public DeadLetters deadLetters() {
        NatsDeadLetters opened = deadLetters;
        if (opened == null) {
            synchronized (this) {
                if (deadLetters == null) {
                    deadLetters = NatsDeadLetters.openForStream(connection, stream);
                }
                opened = deadLetters;
            }
        }
        return opened;
    }
}
