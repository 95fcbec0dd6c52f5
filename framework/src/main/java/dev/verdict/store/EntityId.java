package dev.verdict.store;

/**
 * The id of one entity within a {@link Category}: exactly one NATS subject token.
 *
 * <p>Valid: 1–128 ASCII letters, digits, {@code -} or {@code _} (e.g. {@code rx-42}). Anything else – {@code .},
 * {@code *}, {@code >}, whitespace, control or non-ASCII characters, empty, too long – is refused with
 * {@link InvalidIdentifier}. Ids that are not tokens (e-mail addresses, free text) should be mapped by the
 * application to a token, e.g. a UUID or a hash, and kept as data inside the events.
 *
 * <pre>{@code
 * EntityId id = EntityId.of("rx-42");
 * EntityId.of("rx.42"); // InvalidIdentifier: entity id 'rx.42' contains '.' (the NATS subject token separator) ...
 * }</pre>
 */
public record EntityId(String value) {
    public EntityId {
        SubjectTokens.requireToken("entity id", value);
    }

    /** Validates and wraps an id. */
    public static EntityId of(String value) {
        return new EntityId(value);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof EntityId other && value.equals(other.value));
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
