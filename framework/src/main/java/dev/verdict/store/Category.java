package dev.verdict.store;

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
    public static final int MAX_TOKENS = 8;

    public Category {
        if (value == null) {
            throw new InvalidIdentifier("category must not be null");
        }
        String[] tokens = value.split("\\.", -1);
        if (tokens.length > MAX_TOKENS) {
            throw new InvalidIdentifier("category '" + value + "' has " + tokens.length + " tokens; at most "
                    + MAX_TOKENS + " are allowed");
        }
        for (String token : tokens) {
            SubjectTokens.requireToken("category token in '" + value + "'", token);
        }
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
