package dev.verdict.store.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One event as an {@link EventUpcaster} produces it: a stored type name (a current name, an alias or a retired name
 * that has upcasters of its own), the schema version its JSON has, and the JSON. The codec carries it on through the
 * upcasters of that type and version until it reaches the type's current version.
 *
 * <pre>{@code
 * new UpcastEvent("StockReceived", 2, json)   // continues through StockReceived's upcasters from version 2
 * }</pre>
 *
 * @param type the stored type name the JSON now has
 * @param version its schema version, at least 1
 * @param json the JSON object
 */
public record UpcastEvent(String type, int version, ObjectNode json) {
    public UpcastEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        if (version < 1) {
            throw new IllegalArgumentException("an upcast event's version must be >= 1, was " + version);
        }
    }
}
