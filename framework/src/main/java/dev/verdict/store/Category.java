package dev.verdict.store;

import dev.verdict.decider.EntityNames;
import java.util.List;

/**
 * The kind of entity a sequence of events belongs to, e.g. {@code prescription}, or hierarchical, e.g. {@code
 * billing.invoice}: one or more tokens separated by {@code .}, each a valid subject token (see {@link EntityId}).
 *
 * <pre>{@code
 * Category prescriptions = Category.of("prescription");
 * Category invoices = Category.of("billing.invoice");
 * }</pre>
 */
public record Category(String value) {
    /** At most this many tokens, so subjects stay readable and filters predictable. */
    public static final int MAX_TOKENS = EntityNames.MAX_CATEGORY_TOKENS;

    public Category {
        EntityNames.categoryProblem(value).ifPresent(problem -> {
            throw new InvalidIdentifier(problem);
        });
    }

    /** Validates and wraps a category. */
    public static Category of(String value) {
        return new Category(value);
    }

    /** The tokens of this category, e.g. {@code [billing, invoice]}. */
    public List<String> tokens() {
        return List.of(value.split("\\."));
    }

    /** The entity of this category with the given id. */
    public EntityRef entity(String id) {
        return new EntityRef(this, EntityId.of(id));
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Category other && value.equals(other.value));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
