package dev.verdict.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An event as stored: its position in the stream, its headers and its encoded payload. Decode it with an {@link
 * EventCodec}.
 *
 * @param entity the entity whose sequence it belongs to
 * @param sequence the JetStream stream sequence; the entity's version after this event
 * @param storedAt when the server stored it (the stream's timestamp)
 * @param eventId unique id of the event (a UUID unless written by someone else)
 * @param time when the event happened, as the writer stated it
 * @param event type, schema version and payload
 * @param commandId id of the command that caused it
 * @param correlationId correlation id of the command
 * @param causationId causation id of the command, if any
 * @param metadata user metadata of the command
 */
public record RecordedEvent(
        EntityRef entity,
        long sequence,
        Instant storedAt,
        String eventId,
        Instant time,
        EncodedEvent event,
        String commandId,
        String correlationId,
        Optional<String> causationId,
        Map<String, String> metadata) {

    public RecordedEvent {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(causationId, "causationId");
        metadata = Map.copyOf(metadata);
    }

    /** Shorthand for {@code event().type()}. */
    public String type() {
        return event.type();
    }
}
