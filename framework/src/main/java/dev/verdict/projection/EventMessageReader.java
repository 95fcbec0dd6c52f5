package dev.verdict.projection;

import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsRecordedEvents;
import io.nats.client.Message;

/**
 * Turns a JetStream message of the event stream into a {@link RecordedEvent} (headers to ids, time and context).
 * {@link #of(StoreName)} is the event store's standard wire mapping ({@link NatsRecordedEvents}); a reader throws {@link RuntimeException} with a reason
 * when the message is not an event, which the runner treats as {@link PoisonReason#UNREADABLE_MESSAGE}.
 *
 * <pre>{@code
 * EventMessageReader standard = EventMessageReader.of(StoreName.of("pharmacy"));
 * EventMessageReader custom = message -> myMapping.toRecordedEvent(message);
 * }</pre>
 */
@FunctionalInterface
public interface EventMessageReader {

    /** Reads the message; throws with a precise reason when it is not a Verdict event. */
    RecordedEvent read(Message message);

    /** The standard mapping of the Verdict event store named {@code store} (headers {@code Verdict-*}). */
    static EventMessageReader of(StoreName store) {
        return message -> NatsRecordedEvents.fromMessage(store, message);
    }
}
