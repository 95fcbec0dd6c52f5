package dev.verdict.store.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Lifts the JSON of one event type from schema version {@code fromVersion} to {@code fromVersion + 1}. Upcasters
 * run on the JSON tree while reading, so stored events are never rewritten and deciders only ever see the current
 * shape. A codec chains them: a version-1 event of a type now at version 3 passes through the 1→2 and the 2→3
 * upcaster.
 *
 * <pre>{@code
 * // version 1 had no quantity; version 2 requires one
 * Upcaster addQuantity = Upcaster.of("PrescriptionOrdered", 1, json -> json.put("quantity", 1));
 * }</pre>
 *
 * @param type the stored type name the upcaster applies to
 * @param fromVersion the schema version it reads; it produces {@code fromVersion + 1}
 * @param transformation the change; it may modify and return its argument or return a new node
 */
public record Upcaster(String type, int fromVersion, UnaryOperator<ObjectNode> transformation) {
    public Upcaster {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(transformation, "transformation");
        if (fromVersion < 1) {
            throw new IllegalArgumentException("an upcaster's fromVersion must be >= 1, was " + fromVersion);
        }
    }

    /** An upcaster of {@code type} from {@code fromVersion} to {@code fromVersion + 1}. */
    public static Upcaster of(String type, int fromVersion, UnaryOperator<ObjectNode> transformation) {
        return new Upcaster(type, fromVersion, transformation);
    }

    /** Applies the transformation. */
    public ObjectNode apply(ObjectNode json) {
        ObjectNode result = transformation.apply(json);
        if (result == null) {
            throw new IllegalArgumentException(
                    "the upcaster of '" + type + "' from version " + fromVersion + " returned null");
        }
        return result;
    }
}
