package dev.verdict.projection;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;

/**
 * Turns a delivery of the event stream into a {@link RecordedEvent} (headers to ids, time and context). {@link
 * #of(StoreName)} is the event store's standard mapping ({@link EventDelivery#recorded()}); a reader throws {@link
 * RuntimeException} with a reason when the delivery is not an event, which the runner treats as {@link
 * dev.verdict.store.PoisonReason#UNREADABLE_MESSAGE}.
 *
 * <pre>{@code
 * EventMessageReader standard = EventMessageReader.of(StoreName.of("pharmacy"));
 * EventMessageReader custom = delivery -> myMapping.toRecordedEvent(delivery.recorded());
 * }</pre>
 */
@FunctionalInterface
public interface EventMessageReader {

    /** Reads the delivery; throws with a precise reason when it is not a Verdict event. */
    RecordedEvent read(EventDelivery delivery);

    /**
     * The standard mapping of the Verdict event store named {@code store}: the store the delivery comes from reads its
     * own envelope ({@link EventDelivery#recorded()}, headers {@code Verdict-*} on NATS).
     */
    static EventMessageReader of(StoreName store) {
        java.util.Objects.requireNonNull(store, "store");
        return EventDelivery::recorded;
    }
}
