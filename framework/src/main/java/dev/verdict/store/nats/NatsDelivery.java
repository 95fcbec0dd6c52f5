package dev.verdict.store.nats;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.time.Duration;
import java.util.Optional;

/**
 * A JetStream message of the event stream as an {@link EventDelivery}. Acknowledged only when it came from a consumer
 * with acknowledgements; a message read straight from the stream has nothing to settle.
 */
public final class NatsDelivery implements EventDelivery {
    static final String PIN_HEADER = "Nats-Pin-Id";

    private final StoreName store;
    private final Message message;
    private final boolean settle;

    private NatsDelivery(StoreName store, Message message, boolean settle) {
        this.store = store;
        this.message = message;
        this.settle = settle;
    }

    /** A message delivered by a consumer; {@code acknowledged} when the consumer expects acknowledgements. */
    /**
     * The next JetStream message of {@code iterable} within {@code timeout} (status messages skipped), or empty; the
     * one way both feeds read their consumer.
     */
    static Optional<EventDelivery> next(
            IterableConsumer iterable, StoreName store, String consumer, boolean acknowledged, Duration timeout)
            throws InterruptedException {
        try {
            Message m = iterable.nextMessage(timeout);
            while (m != null && !m.isJetStream()) {
                m = iterable.nextMessage(timeout);
            }
            return m == null ? Optional.empty() : Optional.of(delivered(store, m, acknowledged));
        } catch (JetStreamStatusCheckedException e) {
            throw NatsFeedFailures.of("consumer '" + consumer + "' reported", e);
        }
    }

    static NatsDelivery delivered(StoreName store, Message message, boolean acknowledged) {
        return new NatsDelivery(store, message, acknowledged && message.getReplyTo() != null);
    }

    /** A message read from the stream outside a consumer's deliveries (gap reads, replays): nothing to settle. */
    public static NatsDelivery read(StoreName store, Message message) {
        return new NatsDelivery(store, message, false);
    }

    /** The JetStream message delivered. */
    Message message() {
        return message;
    }

    private NatsJetStreamMetaData meta() {
        return message.metaData();
    }

    @Override
    public long streamSequence() {
        return message.isJetStream() ? meta().streamSequence() : 0;
    }

    @Override
    public long feedSequence() {
        return message.isJetStream() ? meta().consumerSequence() : 0;
    }

    @Override
    public long deliveredCount() {
        return message.isJetStream() ? meta().deliveredCount() : 1;
    }

    @Override
    public long pendingCount() {
        return message.isJetStream() ? meta().pendingCount() : 0;
    }

    @Override
    public String subject() {
        return message.getSubject();
    }

    @Override
    public Optional<String> eventType() {
        return header(NatsEventHeaders.TYPE);
    }

    @Override
    public Optional<String> pinId() {
        return header(PIN_HEADER);
    }

    private Optional<String> header(String name) {
        return message.hasHeaders() ? Optional.ofNullable(message.getHeaders().getFirst(name)) : Optional.empty();
    }

    @Override
    public RecordedEvent recorded() {
        return NatsRecordedEvents.fromMessage(store, message);
    }

    @Override
    public void ack() {
        if (settle) {
            message.ack();
        }
    }

    @Override
    public void inProgress() {
        if (settle) {
            message.inProgress();
        }
    }

    @Override
    public String toString() {
        return "delivery of " + message.getSubject() + "#" + streamSequence();
    }
}
