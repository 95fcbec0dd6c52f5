package dev.verdict.store.nats;

import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
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
 * threshold as a safety net, so none is left behind. A consumer that delivers nothing for {@link #STALL} before the
 * read is complete is replaced by a new one from the next sequence (see there why); each message is visited once.
 *
 * <p>Not part of Verdict's API: the event store reads long histories with it and the projection runner reads the
 * events it has not seen (after a take-over or a lost delivery) with it.
 */
public final class ConsumerReader {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerReader.class);
    private static final Duration INACTIVE_THRESHOLD = Duration.ofSeconds(10);
    /**
     * How long a read waits for its consumer's next message before it replaces the consumer. The consumer lives on any
     * replica of the stream; on a replica that has just woken from a stall and is catching up, a consumer was seen to
     * hold no pull request (so it delivers nothing, although it counts the messages as pending) while the client still
     * waited for its first pull to expire – a new consumer, created once the replica is back, reads on at once.
     */
    static final Duration STALL = Duration.ofSeconds(2);

    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

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

    /**
     * Reads up to {@code lastSequence}, or, when it is -1, to the end of the stream as the consumer saw it. A consumer
     * that delivers nothing for {@link #STALL} is replaced by a new one from the next sequence not yet visited; the
     * read gives up when nothing arrived for the whole timeout. Creating the consumer is tried again in the same way.
     */
    private void read(List<String> filterSubjects, long fromSequence, long lastSequence, Predicate<Message> visitor) {
        Progress progress = new Progress(Math.max(1, fromSequence), System.nanoTime() + timeout.toNanos());
        while (!readOnOneConsumer(filterSubjects, lastSequence, visitor, progress)) {
            if (System.nanoTime() - progress.giveUpAt >= 0) {
                throw new EventStoreUnavailable(
                        "no message within " + timeout + " while reading '" + String.join(",", filterSubjects) + "'"
                                + (lastSequence < 0 ? "" : " up to sequence " + lastSequence),
                        null);
            }
            LOG.debug(
                    "no consumer delivered {} within {}: reading on from sequence {} on a new one",
                    filterSubjects,
                    stall(),
                    progress.next);
        }
    }

    /** Where a read stands: the next sequence to visit, and when it gives up if nothing arrives before. */
    private static final class Progress {
        long next;
        long giveUpAt;

        Progress(long next, long giveUpAt) {
            this.next = next;
            this.giveUpAt = giveUpAt;
        }
    }

    /** Reads on one new consumer from {@code progress.next}; true when the read is complete, false when it stalled. */
    private boolean readOnOneConsumer(
            List<String> filterSubjects, long lastSequence, Predicate<Message> visitor, Progress progress) {
        boolean toEnd = lastSequence < 0;
        String subject = String.join(",", filterSubjects);
        String name = "verdict-read-" + NUID.nextGlobalSequence();
        ConsumerConfiguration config = ConsumerConfiguration.builder()
                .name(name)
                .filterSubjects(filterSubjects)
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(progress.next)
                .ackPolicy(AckPolicy.None)
                .replayPolicy(ReplayPolicy.Instant)
                .memStorage(true)
                .numReplicas(1)
                .inactiveThreshold(INACTIVE_THRESHOLD)
                .build();
        ConsumerContext consumer;
        try {
            consumer = streamContext().createOrUpdateConsumer(config);
        } catch (IOException e) {
            delete(name); // in case it was created and only the answer got lost
            if (System.nanoTime() - progress.giveUpAt < 0) {
                LOG.debug("creating a consumer to read {} failed ({}); trying again", subject, e.toString());
                pause(progress);
                return false;
            }
            throw new EventStoreUnavailable("cannot create a consumer to read '" + subject + "': " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot create a consumer to read '" + subject + "': " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            delete(name);
            throw refused("cannot create a consumer to read '" + subject + "'", e);
        }
        try {
            if (toEnd && consumer.getCachedConsumerInfo().getNumPending() == 0) {
                return true;
            }
            long stallNanos = stall().toNanos();
            try (IterableConsumer it =
                    consumer.iterate(ConsumeOptions.builder().batchSize(1000).build())) {
                while (true) {
                    long wait = Math.min(stallNanos, Math.max(1, progress.giveUpAt - System.nanoTime()));
                    Message m = it.nextMessage(Duration.ofNanos(wait));
                    if (m == null) {
                        return false;
                    }
                    long sequence = m.metaData().streamSequence();
                    progress.next = sequence + 1;
                    progress.giveUpAt = System.nanoTime() + timeout.toNanos();
                    boolean last = toEnd ? m.metaData().pendingCount() == 0 : sequence >= lastSequence;
                    if (!visitor.test(m) || last) {
                        return true;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while reading '" + subject + "'", e);
        } catch (JetStreamApiException e) {
            throw refused("cannot read '" + subject + "'", e);
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

    /** A short wait before the next attempt, so a request that fails at once is not repeated in a busy loop. */
    private static void pause(Progress progress) {
        long nanos = Math.min(RETRY_PAUSE.toNanos(), progress.giveUpAt - System.nanoTime());
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventStoreUnavailable("interrupted while reading", e);
            }
        }
    }

    private Duration stall() {
        return STALL.compareTo(timeout) < 0 ? STALL : timeout;
    }

    private StreamContext streamContext() throws IOException, JetStreamApiException {
        StreamContext sc = streamContext;
        if (sc == null) {
            // a request that gets no answer (its replica had just woken, say) is sent again while the read's timeout
            // lasts: each waits at most as long as the read waits for a stalled consumer
            sc = connection.getStreamContext(
                    stream, JetStreamOptions.builder().requestTimeout(stall()).build());
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

    /** A refusal of the JetStream API: outcome unknown when its status says the server could not answer now. */
    private static EventStoreException refused(String what, JetStreamApiException e) {
        String message = what + ": " + e.getErrorDescription();
        return JetStreamErrors.isTransientStatus(e.getErrorCode())
                ? new EventStoreUnavailable(message, e)
                : new EventStoreException(message, e);
    }
}
