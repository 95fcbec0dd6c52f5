package dev.verdict.projection;

import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;

/**
 * Where a runner's partition worker gets its messages from: one JetStream consumer, opened, read and closed by the
 * worker's thread only. Two kinds: {@link SharedConsumerFeed} (durable, shared by every instance, one pinned client
 * active) and {@link InstanceConsumerFeed} (ephemeral, this instance only).
 */
interface EventFeed {

    /** Opens (creating if needed) the consumer; a new consumer starts after {@code resumeAfter}. */
    void open(long resumeAfter) throws IOException, JetStreamApiException;

    /** The next message, or null after {@code timeout}. */
    Message next(Duration timeout) throws JetStreamStatusCheckedException, InterruptedException;

    /** Confirms a processed message (no-op without acks). */
    void ack(Message m);

    /** Tells the server the message is still being worked on (no-op without acks). */
    void inProgress(Message m);

    /** The consumer's state, asked from the server. */
    ConsumerInfo info() throws IOException, JetStreamApiException;

    /** Whether this instance is the one the server delivers to, judged from a fresh {@link #info()}. */
    boolean isActive(ConsumerInfo info, String lastPinId);

    /** The consumer's name. */
    String consumerName();

    /** Stops pulling; the consumer stays on the server. */
    void close();

    /** Stops for good: an ephemeral consumer is deleted, a shared one released to the next instance. */
    void release(boolean wasActive);

    /**
     * Tells the server that every event up to {@code position} is processed, though some were delivered to an instance
     * that never acknowledged them: their redeliveries are dropped and the acknowledgement floor moves to {@code
     * position} at once instead of after the ack wait. Best effort (nats-server 2.14+; a no-op without acks).
     */
    void settleAt(long position);

    /** Deletes the consumer from the server (rebuilds); missing is fine. */
    void delete() throws IOException, JetStreamApiException;

    /**
     * Whether the last {@link #open} found another consumer than the open before it (deleted and created again). False
     * by default (a per-instance consumer is created by this instance itself).
     */
    default boolean replacedSinceLastOpen() {
        return false;
    }

    /** Whether messages must be acknowledged and can be redelivered. */
    boolean acknowledged();

    /** Stops and closes a pull subscription, if any; failures only matter to the debug log. */
    static void stopQuietly(IterableConsumer iterable, String consumer) {
        if (iterable == null) {
            return;
        }
        try {
            iterable.stop();
            iterable.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(EventFeed.class)
                    .debug("closing consumer '{}': {}", consumer, e.toString());
        }
    }
}
