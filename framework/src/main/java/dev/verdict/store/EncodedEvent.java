package dev.verdict.store;

import dev.verdict.store.internal.Ascii;
import java.util.Objects;

/**
 * An event as an {@link EventCodec} writes it: a stable type name, the schema version of its payload, and the
 * payload bytes (JSON with the Jackson codec). The store adds ids, time and context when appending.
 *
 * @param type stable event type name, e.g. {@code PrescriptionOrdered}; printable ASCII, no spaces
 * @param schemaVersion version of the payload's shape, starting at 1; upcasters lift older versions on read
 * @param payload the encoded event
 */
public record EncodedEvent(String type, int schemaVersion, byte[] payload) {
    public EncodedEvent {
        Objects.requireNonNull(type, "type");
        if (!Ascii.isToken(type, 200)) {
            throw new IllegalArgumentException(
                    "event type '" + type + "' must be 1-200 printable ASCII characters without spaces");
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema version must be >= 1, was " + schemaVersion);
        }
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedEvent e
                && type.equals(e.type)
                && schemaVersion == e.schemaVersion
                && java.util.Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, schemaVersion, java.util.Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "EncodedEvent[" + type + " v" + schemaVersion + ", " + payload.length + " bytes]";
    }
}
