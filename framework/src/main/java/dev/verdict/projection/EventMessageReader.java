package dev.verdict.projection;

import dev.verdict.store.RecordedEvent;
import io.nats.client.Message;

/**
 * Turns a JetStream message of the event stream into a {@link RecordedEvent} (headers to ids, time and context).
 * The event store's wire mapping provides the standard one; a reader throws {@link RuntimeException} with a reason
 * when the message is not an event, which the runner treats as {@link PoisonReason#UNREADABLE_MESSAGE}.
 *
 * <pre>{@code
 * EventMessageReader reader = message -> myMapping.toRecordedEvent(message);
 * }</pre>
 */
@FunctionalInterface
public interface EventMessageReader {

    /** Reads the message; throws with a precise reason when it is not a Verdict event. */
    RecordedEvent read(Message message);
}
