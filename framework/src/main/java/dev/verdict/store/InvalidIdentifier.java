package dev.verdict.store;

/**
 * An entity id, category or store name that is not a valid single NATS subject token. Thrown before anything is
 * published, so no event can land on a wildcard or on another entity's subject. The message says exactly what is
 * wrong.
 */
public final class InvalidIdentifier extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidIdentifier(String message) {
        super(message);
    }
}
