package dev.verdict.projection;

import dev.verdict.store.RecordedEvent;
import java.util.Objects;

/**
 * An event as a projection receives it: decoded, with its stored envelope (entity, stream sequence, ids, context).
 *
 * <pre>{@code
 * void apply(DeliveredEvent<PrescriptionEvent> delivered) {
 *     long position = delivered.sequence();          // the stream sequence, the projection's checkpoint after it
 *     PrescriptionEvent event = delivered.event();
 * }
 * }</pre>
 *
 * @param event the decoded event
 * @param recorded the stored envelope it was decoded from
 * @param <E> the event type
 */
public record DeliveredEvent<E>(E event, RecordedEvent recorded) {
    public DeliveredEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(recorded, "recorded");
    }

    /** The JetStream stream sequence of the event: strictly increasing in the order a projection sees events. */
    public long sequence() {
        return recorded.sequence();
    }
}
