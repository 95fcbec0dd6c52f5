package dev.verdict.runtime;

import java.util.Objects;

/**
 * An event a command caused, with the stream sequence the store gave it. The sequence is the entity's version right
 * after this event.
 *
 * <pre>{@code
 * for (AppendedEvent<RxEvent> e : accepted.events()) {
 *     log.info("{} stored at {}", e.event(), e.sequence());
 * }
 * }</pre>
 *
 * @param sequence the JetStream stream sequence of the event
 * @param event the decoded event
 * @param <E> the event type
 */
public record AppendedEvent<E>(long sequence, E event) {
    public AppendedEvent {
        if (sequence < 1) {
            throw new IllegalArgumentException("an appended event's sequence must be >= 1, was " + sequence);
        }
        Objects.requireNonNull(event, "event");
    }
}
