package dev.verdict.decider;

import java.util.Objects;

/**
 * An event a {@link MultiDecider} decided, with the entity it belongs to: the runtime appends it to that entity's
 * event sequence.
 *
 * <pre>{@code
 * Routed<Object> deducted = Routed.to(EntityKey.of("inventory", "aspirin"), new StockDeducted(5));
 * }</pre>
 *
 * @param entity the entity the event is appended to
 * @param event the event, never {@code null}
 * @param <E> the event type
 */
public record Routed<E>(EntityKey entity, E event) {
    public Routed {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(event, "event must be a value, not null");
    }

    /** The event, for the entity. */
    public static <E> Routed<E> to(EntityKey entity, E event) {
        return new Routed<>(entity, event);
    }
}
