package dev.verdict.store.nats;

import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a long run of one subject with an ephemeral pull consumer ({@code filter_subject}, deliver by start sequence,
 * ack none, memory storage, one replica), which streams thousands of messages far faster than direct gets. The
 * consumer is deleted when the read ends (asynchronously, so the caller does not wait) and has a short inactivity
 * threshold as a safety net, so none is left behind.
 *
 * <p>Not part of Verdict's API: the event store reads long histories with it and the projection runner reads the
 * events it has not seen (after a take-over or a lost delivery) with it.
 */
public final class ConsumerReader {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerReader.class);
    private static final Duration INACTIVE_THRESHOLD = Duration.ofSeconds(10);

    private final Connection connection;
    private final String stream;
    private final Duration timeout;
    private volatile StreamContext streamContext;

    /** A reader of the stream that gives up when no message arrives within {@code timeout}. */
    public ConsumerReader(Connection connection, String stream, Duration timeout) {
        this.connection = connection;
        this.stream = stream;
        this.timeout = timeout;
    }

    /** Visits messages of the subject from {@code fromSequence} up to {@code lastSequence} (inclusive), in order. */
    void scan(String subject, long fromSequence, long lastSequence, Predicate<Message> visitor) {
        scan(List.of(subject), fromSequence, lastSequence, visitor);
    }

    /**
     * Visits the messages matching any of the filter subjects from {@code fromSequence} up to {@code lastSequence}
     * (inclusive), in stream order, until the visitor returns false. At least one matching message at or after {@code
     * fromSequence} must exist (else the read ends with {@link EventStoreUnavailable} after the timeout).
     */
    public void scan(List<String> filterSubjects, long fromSequence, long lastSequence, Predicate<Message> visitor) {
        read(filterSubjects, fromSequence, lastSequence, visitor);
    }

    /**
     * Visits every message matching the filter subjects from {@code fromSequence} to the current end of the stream, in
     * order, until the visitor returns false; returns at once when there is none. The end is the one the server saw
     * when the read began.
     */
    public void scanToEnd(List<String> filterSubjects, long fromSequence, Predicate<Message> visitor) {
        read(filterSubjects, fromSequence, -1, visitor);
    }

    /** Reads up to {@code lastSequence}, or, when it is -1, to the end of the stream as the new consumer saw it. */
    private void read(List<String> filterSubjects, long fromSequence, long lastSequence, Predicate<Message> visitor) {
        boolean toEnd = lastSequence < 0;
        String subject = String.join(",", filterSubjects);
        String name = "verdict-read-" + NUID.nextGlobalSequence();
        ConsumerConfiguration config = ConsumerConfiguration.builder()
                .name(name)
                .filterSubjects(filterSubjects)
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(Math.max(1, fromSequence))
                .ackPolicy(AckPolicy.None)
                .replayPolicy(ReplayPolicy.Instant)
                .memStorage(true)
                .numReplicas(1)
                .inactiveThreshold(INACTIVE_THRESHOLD)
                .build();
        ConsumerContext consumer;
        try {
            consumer = streamContext().createOrUpdateConsumer(config);
        } catch (IOException | IllegalStateException e) {
            throw new EventStoreUnavailable("cannot create a consumer to read '" + subject + "': " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            delete(name);
            throw new EventStoreException(
                    "cannot create a consumer to read '" + subject + "': " + e.getErrorDescription(), e);
        }
        try {
            if (toEnd && consumer.getCachedConsumerInfo().getNumPending() == 0) {
                return;
            }
            try (IterableConsumer it =
                    consumer.iterate(ConsumeOptions.builder().batchSize(1000).build())) {
                while (true) {
                    Message m = it.nextMessage(timeout);
                    if (m == null) {
                        throw new EventStoreUnavailable(
                                "no message within " + timeout + " while reading '" + subject + "'"
                                        + (toEnd ? "" : " up to sequence " + lastSequence),
                                null);
                    }
                    boolean last = toEnd
                            ? m.metaData().pendingCount() == 0
                            : m.metaData().streamSequence() >= lastSequence;
                    if (!visitor.test(m) || last) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while reading '" + subject + "'", e);
        } catch (JetStreamApiException e) {
            throw new EventStoreException("cannot read '" + subject + "': " + e.getErrorDescription(), e);
        } catch (IOException | IllegalStateException e) {
            throw new EventStoreUnavailable("cannot read '" + subject + "': " + e.getMessage(), e);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new EventStoreException("cannot read '" + subject + "': " + e, e);
        } finally {
            delete(name);
        }
    }

    private StreamContext streamContext() throws IOException, JetStreamApiException {
        StreamContext sc = streamContext;
        if (sc == null) {
            sc = connection.getStreamContext(stream);
            streamContext = sc;
        }
        return sc;
    }

    private void delete(String name) {
        try {
            connection
                    .request(NatsMessage.builder()
                            .subject("$JS.API.CONSUMER.DELETE." + stream + "." + name)
                            .build())
                    .exceptionally(e -> {
                        LOG.debug("deleting read consumer {} failed; it expires after {}", name, INACTIVE_THRESHOLD);
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.debug(
                    "deleting read consumer {} failed; it expires after {}: {}",
                    name,
                    INACTIVE_THRESHOLD,
                    e.toString());
        }
    }
}
