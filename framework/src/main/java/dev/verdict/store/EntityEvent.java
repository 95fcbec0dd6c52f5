package dev.verdict.store;

import java.util.Objects;

/**
 * An encoded event and the entity it is appended to: one event of an {@link EventStore#appendAcross append across
 * entities}.
 *
 * <pre>{@code
 * EntityEvent deducted = new EntityEvent(EntityRef.of("inventory", "aspirin"), codec.encode(new StockDispensed(5)));
 * }</pre>
 *
 * @param entity the entity whose sequence the event joins
 * @param event the encoded event
 */
public record EntityEvent(EntityRef entity, EncodedEvent event) {
    public EntityEvent {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(event, "event");
    }
}
