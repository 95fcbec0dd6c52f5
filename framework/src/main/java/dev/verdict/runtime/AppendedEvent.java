package dev.verdict.runtime;

import dev.verdict.store.EntityRef;
import java.util.Objects;

/**
 * An event a command caused: the entity it was stored on, the stream sequence the store gave it (that entity's version
 * right after this event) and the event.
 *
 * <pre>{@code
 * for (AppendedEvent<RxEvent> e : accepted.events()) {
 *     log.info("{} stored on {} at {}", e.event(), e.entity(), e.sequence());
 * }
 * }</pre>
 *
 * @param entity the entity the event was stored on
 * @param sequence the JetStream stream sequence of the event
 * @param event the decoded event
 * @param <E> the event type
 */
public record AppendedEvent<E>(EntityRef entity, long sequence, E event) {
    public AppendedEvent {
        Objects.requireNonNull(entity, "entity");
        if (sequence < 1) {
            throw new IllegalArgumentException("an appended event's sequence must be >= 1, was " + sequence);
        }
        Objects.requireNonNull(event, "event");
    }
}
