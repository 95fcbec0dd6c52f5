package dev.verdict.projection;

import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which deliveries a partition worker may trust to follow each other without a gap: only inside a <i>session</i> – a
 * first delivery right after another first delivery, with the next consumer sequence and the same pin. Also collects
 * such deliveries into batches. Used by the worker's thread only.
 */
final class DeliverySession {
    static final String PIN_HEADER = "Nats-Pin-Id";
    /** How long collecting a batch waits for the next buffered delivery. */
    private static final Duration BATCH_POLL = Duration.ofMillis(1);

    boolean open;
    private long lastConsumerSequence;
    private String lastPinId;
    private boolean lastWasFirstDelivery;
    private Message held;

    /** Forgets the deliveries seen so far: the consumer was (re)opened. */
    void reset() {
        lastConsumerSequence = 0;
        lastPinId = null;
        held = null; // a delivery of the consumer closed before: it comes again, or belongs to a replaced stream
    }

    /** The pin of the last delivery, null before the first (or without pins). */
    String lastPinId() {
        return lastPinId;
    }

    /** The delivery kept back from the last batch, or the next from the feed. */
    Message next(EventFeed feed, Duration timeout) throws JetStreamStatusCheckedException, InterruptedException {
        Message m = held != null ? held : feed.next(timeout);
        held = null;
        return m;
    }

    /**
     * Takes note of a delivery; true when it does not follow the previous one within this session (a new session, a
     * jump in consumer sequences, another pin).
     */
    boolean startsAnew(Message m) {
        NatsJetStreamMetaData meta = m.metaData();
        String pin = pinOf(m);
        boolean fresh =
                !open || meta.consumerSequence() != lastConsumerSequence + 1 || (pin != null && !pin.equals(lastPinId));
        lastConsumerSequence = meta.consumerSequence();
        if (pin != null) {
            lastPinId = pin;
        }
        return fresh;
    }

    /**
     * Whether a delivery must be checked against the checkpoint: only a first delivery right after another first
     * delivery is known to follow it – after a redelivery, the consumer's previous new delivery may have gone to
     * another (dead) instance.
     */
    boolean needsCheck(Message m, boolean fresh) {
        NatsJetStreamMetaData meta = m.metaData();
        boolean check = fresh || meta.deliveredCount() > 1 || !lastWasFirstDelivery;
        lastWasFirstDelivery = meta.deliveredCount() == 1;
        return check;
    }

    /**
     * Collects consecutive first deliveries after {@code first}, up to {@code size} and {@code latency}. A delivery that
     * does not follow (another consumer sequence, a redelivery, another pin) ends the batch and is kept for the next
     * round, where it is checked as usual.
     */
    List<Message> collect(EventFeed feed, Message first, int size, Duration latency) throws InterruptedException {
        List<Message> batch = new ArrayList<>();
        batch.add(first);
        long deadline = System.nanoTime() + latency.toNanos();
        while (batch.size() < size && System.nanoTime() < deadline) {
            Message next;
            try {
                next = feed.next(BATCH_POLL);
            } catch (JetStreamStatusCheckedException | IllegalStateException e) {
                break; // the next round meets the same condition and handles it
            }
            if (next == null) {
                break;
            }
            if (!next.isJetStream()) {
                continue;
            }
            NatsJetStreamMetaData meta = next.metaData();
            String pin = pinOf(next);
            if (meta.consumerSequence() != lastConsumerSequence + 1
                    || meta.deliveredCount() > 1
                    || (pin != null && !pin.equals(lastPinId))) {
                held = next;
                break;
            }
            lastConsumerSequence = meta.consumerSequence();
            batch.add(next);
        }
        return batch;
    }

    private static String pinOf(Message m) {
        return m.hasHeaders() ? m.getHeaders().getFirst(PIN_HEADER) : null;
    }
}
