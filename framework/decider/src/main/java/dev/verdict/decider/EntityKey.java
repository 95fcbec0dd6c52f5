package dev.verdict.decider;

import java.util.Objects;

/**
 * Which entity a {@link MultiDecider} reads or writes: a category and an id, e.g. {@code prescription/rx-42}. The
 * pure counterpart of the store's {@code EntityRef} (this package knows no store); the runtime maps one to the other
 * and applies the store's stricter rules for names there.
 *
 * <pre>{@code
 * EntityKey rx = EntityKey.of("prescription", "rx-42");
 * rx.toString();   // "prescription/rx-42"
 * }</pre>
 *
 * @param category the entity's category, one subject token (no {@code .}, {@code *}, {@code >} or whitespace)
 * @param id the entity's id within its category, one subject token
 */
public record EntityKey(String category, String id) {
    public EntityKey {
        requireToken("category", category);
        requireToken("id", id);
    }

    /** The key of entity {@code id} in {@code category}. */
    public static EntityKey of(String category, String id) {
        return new EntityKey(category, id);
    }

    private static void requireToken(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("an entity's " + what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.' || c == '*' || c == '>' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(
                        "an entity's " + what + " is one subject token, '" + value + "' contains '" + c + "' at " + i);
            }
        }
    }

    @Override
    public String toString() {
        return category + "/" + id;
    }
}
