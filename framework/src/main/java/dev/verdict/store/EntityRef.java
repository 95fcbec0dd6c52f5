package dev.verdict.store;

import dev.verdict.decider.EntityKey;
import java.util.Objects;

/**
 * One entity's event sequence: a category and an id. In a store named {@code pharmacy} the entity {@code
 * prescription/rx-42} lives on the subject {@code pharmacy.prescription.rx-42} (see {@link EventSubject}).
 *
 * <pre>{@code
 * EntityRef rx = EntityRef.of("prescription", "rx-42");
 * rx.subject("pharmacy"); // "pharmacy.prescription.rx-42"
 * }</pre>
 */
public record EntityRef(Category category, EntityId id) {
    public EntityRef {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(id, "id");
    }

    /** Validates both parts. */
    public static EntityRef of(String category, String id) {
        return new EntityRef(Category.of(category), EntityId.of(id));
    }

    /** The entity a decider names with {@code key} (both follow one rule for names, so every key has its entity). */
    public static EntityRef of(EntityKey key) {
        return new EntityRef(Category.of(key.category()), EntityId.of(key.id()));
    }

    /** This entity as a decider names it. */
    public EntityKey toKey() {
        return EntityKey.of(category.value(), id.value());
    }

    /** The subject of this entity in the given store: {@code <store>.<category>.<id>} ({@link EventSubject}). */
    public String subject(String storeName) {
        return EventSubject.format(storeName, this);
    }

    /** The KV key of this entity's snapshot: {@code <category>.<id>}. */
    public String key() {
        return category.value() + "." + id.value();
    }

    // written out rather than generated: the runtime hashes and compares an entity for its cache and lock on every
    // command, and the generated methods showed up in its profile
    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof EntityRef other
                        && id.value().equals(other.id.value())
                        && category.value().equals(other.category.value()));
    }

    @Override
    public int hashCode() {
        return 31 * category.value().hashCode() + id.value().hashCode();
    }

    @Override
    public String toString() {
        return category + "/" + id;
    }
}
