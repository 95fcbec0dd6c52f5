package dev.verdict.store;

import java.util.Objects;
import java.util.Optional;

/**
 * The one place that knows how events are laid out on subjects: an entity's events live on {@code
 * <store>.<category>.<id>}, where the category may have several tokens ({@code pharmacy.billing.invoice.inv-7}). The
 * store writes on {@link #value()}, readers and partitions find the entity with {@link #parse(String)}, filters
 * come from {@link #categoryFilter} and {@link #wholeStoreFilter}.
 *
 * <p>Guarantees: {@code parse(EventSubject.of(store, entity).value())} returns the same store and entity for every
 * valid store and entity (the store name and the id are single tokens, so the category is exactly the tokens in
 * between); a subject that is not of that form parses to empty, never to another entity.
 *
 * <pre>{@code
 * EventSubject s = EventSubject.of(StoreName.of("pharmacy"), EntityRef.of("billing.invoice", "inv-7"));
 * s.value();                                                   // "pharmacy.billing.invoice.inv-7"
 * EventSubject.parse("pharmacy.billing.invoice.inv-7");        // the same store and entity
 * EventSubject.categoryFilter(StoreName.of("pharmacy"), Category.of("billing.invoice")); // "pharmacy.billing.invoice.*"
 * }</pre>
 *
 * @param store the store, the first token
 * @param entity the entity: the category's tokens, then the id
 */
public record EventSubject(StoreName store, EntityRef entity) {
    public EventSubject {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(entity, "entity");
    }

    /** The subject of an entity's events in a store. */
    public static EventSubject of(StoreName store, EntityRef entity) {
        return new EventSubject(store, entity);
    }

    /** The subject text, {@code <store>.<category>.<id>}. */
    public String value() {
        return format(store.value(), entity);
    }

    /**
     * The store and entity of a subject {@code <store>.<category>.<id>}, or empty when the subject is not of that
     * form (fewer than three tokens, or a token that is not a valid identifier).
     */
    public static Optional<EventSubject> parse(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        int firstDot = subject.indexOf('.');
        int lastDot = subject.lastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot + 1 || lastDot == subject.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EventSubject(
                    StoreName.of(subject.substring(0, firstDot)),
                    new EntityRef(
                            Category.of(subject.substring(firstDot + 1, lastDot)),
                            EntityId.of(subject.substring(lastDot + 1)))));
        } catch (InvalidIdentifier e) {
            return Optional.empty();
        }
    }

    /**
     * The entity of a subject of the given store, or empty when the subject is not {@code <store>.<category>.<id>}
     * of exactly that store.
     */
    public static Optional<EntityRef> entityOf(StoreName store, String subject) {
        return parse(subject).filter(s -> s.store.equals(store)).map(EventSubject::entity);
    }

    /** The filter matching exactly one category's entities ({@code <store>.<category>.*}, not its sub-categories). */
    public static String categoryFilter(StoreName store, Category category) {
        return store.value() + "." + category.value() + ".*";
    }

    /** The filter matching every event of a store ({@code <store>.>}). */
    public static String wholeStoreFilter(StoreName store) {
        return store.value() + ".>";
    }

    static String format(String store, EntityRef entity) {
        return store + "." + entity.category().value() + "." + entity.id().value();
    }

    @Override
    public String toString() {
        return value();
    }
}
