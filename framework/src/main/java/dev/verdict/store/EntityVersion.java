package dev.verdict.store;

import java.util.Objects;

/**
 * An entity with the version a decision read it at: the guard of an {@link EventStore#appendAcross append across
 * entities}. The append stores nothing unless every guarded entity still has exactly this version.
 *
 * <pre>{@code
 * EntityVersion stock = new EntityVersion(EntityRef.of("inventory", "aspirin"), 17);
 * }</pre>
 *
 * @param entity the entity read
 * @param version the sequence of its last event when it was read, {@code 0} when it had none
 */
public record EntityVersion(EntityRef entity, long version) {
    public EntityVersion {
        Objects.requireNonNull(entity, "entity");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }
}
