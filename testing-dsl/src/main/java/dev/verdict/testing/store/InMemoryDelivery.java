package dev.verdict.testing.store;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.RecordedEvent;
import java.util.Optional;

/** A delivery of an in-memory feed (or a read outside one, with nothing to settle). */
final class InMemoryDelivery implements EventDelivery {
    /** What settles a delivery of a feed with acknowledgements. */
    interface Settling {
        void ack(InMemoryDelivery delivery);

        void inProgress(InMemoryDelivery delivery);
    }

    static final Settling NOTHING = new Settling() {
        @Override
        public void ack(InMemoryDelivery delivery) {}

        @Override
        public void inProgress(InMemoryDelivery delivery) {}
    };

    private final RecordedEvent event;
    private final String subject;
    private final long feedSequence;
    private final long deliveredCount;
    private final long pending;
    private final Optional<String> pin;
    private final Settling settling;

    InMemoryDelivery(
            RecordedEvent event,
            String subject,
            long feedSequence,
            long deliveredCount,
            long pending,
            Optional<String> pin,
            Settling settling) {
        this.event = event;
        this.subject = subject;
        this.feedSequence = feedSequence;
        this.deliveredCount = deliveredCount;
        this.pending = pending;
        this.pin = pin;
        this.settling = settling;
    }

    static InMemoryDelivery read(RecordedEvent event, String subject) {
        return new InMemoryDelivery(event, subject, 0, 1, 0, Optional.empty(), NOTHING);
    }

    @Override
    public long streamSequence() {
        return event.sequence();
    }

    @Override
    public long feedSequence() {
        return feedSequence;
    }

    @Override
    public long deliveredCount() {
        return deliveredCount;
    }

    @Override
    public long pendingCount() {
        return pending;
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public Optional<String> eventType() {
        return Optional.of(event.event().type());
    }

    @Override
    public Optional<String> pinId() {
        return pin;
    }

    @Override
    public RecordedEvent recorded() {
        return event;
    }

    @Override
    public void ack() {
        settling.ack(this);
    }

    @Override
    public void inProgress() {
        settling.inProgress(this);
    }

    @Override
    public String toString() {
        return "delivery of " + subject + "#" + event.sequence() + " (" + deliveredCount + ")";
    }
}
