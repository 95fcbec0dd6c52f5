package dev.verdict.projection;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which deliveries a partition worker may trust to follow each other without a gap: only inside a <i>session</i> – a
 * first delivery right after another first delivery, with the next consumer sequence and the same pin. Also collects
 * such deliveries into batches. Used by the worker's thread only.
 */
final class DeliverySession {
    /** How long collecting a batch waits for the next buffered delivery. */
    private static final Duration BATCH_POLL = Duration.ofMillis(1);

    boolean open;
    private long lastConsumerSequence;
    private Optional<String> lastPinId = Optional.empty();
    private boolean lastWasFirstDelivery;
    private EventDelivery held;

    /** Forgets the deliveries seen so far: the consumer was (re)opened. */
    void reset() {
        lastConsumerSequence = 0;
        lastPinId = Optional.empty();
        held = null; // a delivery of the consumer closed before: it comes again, or belongs to a replaced stream
    }

    /** The pin of the last delivery, empty before the first (or without pins). */
    Optional<String> lastPinId() {
        return lastPinId;
    }

    /** The delivery kept back from the last batch, or the next from the feed. */
    Optional<EventDelivery> next(EventFeed feed, Duration timeout) throws InterruptedException {
        Optional<EventDelivery> m = held != null ? Optional.of(held) : feed.next(timeout);
        held = null;
        return m;
    }

    /**
     * Takes note of a delivery; true when it does not follow the previous one within this session (a new session, a
     * jump in consumer sequences, another pin).
     */
    boolean startsAnew(EventDelivery m) {
        Optional<String> pin = m.pinId();
        boolean fresh = !open || m.feedSequence() != lastConsumerSequence + 1 || otherPin(pin);
        lastConsumerSequence = m.feedSequence();
        if (pin.isPresent()) {
            lastPinId = pin;
        }
        return fresh;
    }

    /**
     * Whether a delivery must be checked against the checkpoint: only a first delivery right after another first
     * delivery is known to follow it – after a redelivery, the consumer's previous new delivery may have gone to
     * another (dead) instance.
     */
    boolean needsCheck(EventDelivery m, boolean fresh) {
        boolean check = fresh || m.deliveredCount() > 1 || !lastWasFirstDelivery;
        lastWasFirstDelivery = m.deliveredCount() == 1;
        return check;
    }

    /**
     * Collects consecutive first deliveries after {@code first}, up to {@code size} and {@code latency}. A delivery that
     * does not follow (another consumer sequence, a redelivery, another pin) ends the batch and is kept for the next
     * round, where it is checked as usual.
     */
    List<EventDelivery> collect(EventFeed feed, EventDelivery first, int size, Duration latency)
            throws InterruptedException {
        List<EventDelivery> batch = new ArrayList<>();
        batch.add(first);
        long deadline = System.nanoTime() + latency.toNanos();
        while (batch.size() < size && System.nanoTime() < deadline) {
            EventDelivery next;
            try {
                Optional<EventDelivery> polled = feed.next(BATCH_POLL);
                if (polled.isEmpty()) {
                    break;
                }
                next = polled.get();
            } catch (FeedFailure | IllegalStateException e) {
                break; // the next round meets the same condition and handles it
            }
            if (next.feedSequence() != lastConsumerSequence + 1
                    || next.deliveredCount() > 1
                    || otherPin(next.pinId())) {
                held = next;
                break;
            }
            lastConsumerSequence = next.feedSequence();
            batch.add(next);
        }
        return batch;
    }

    private boolean otherPin(Optional<String> pin) {
        return pin.isPresent() && !pin.equals(lastPinId);
    }
}
