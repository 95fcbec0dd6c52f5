package dev.verdict.store;

/**
 * The name of an event store – one bounded context, e.g. {@code pharmacy}. It is the JetStream stream name, the
 * first subject token of every event, and part of the snapshot bucket's name. One subject token (see {@link
 * EntityId}); by convention lower case.
 */
public record StoreName(String value) {
    public StoreName {
        SubjectTokens.requireToken("store name", value);
    }

    public static StoreName of(String value) {
        return new StoreName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
