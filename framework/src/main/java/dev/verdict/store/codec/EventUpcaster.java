package dev.verdict.store.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads one stored event of {@code type} at schema version {@code fromVersion} as zero, one or several events, each
 * of any type and version: the general form of an {@link Upcaster}, for the changes a 1:1 upcaster cannot express –
 * an event split in two ({@link #split}), an event that no longer means anything ({@link #drop}), a type turned into
 * another ({@link #retype}). Each produced event continues through the upcasters of its own type and version until
 * it reaches the current version; stored events are never rewritten.
 *
 * <p>{@code type} may be a name no record carries any more (a retired type): then its upcasters must reach, from the
 * lowest stored version, an {@code EventUpcaster} that turns it into something else or drops it. A produced event of
 * the same type must have a higher version (the chain always moves forward); a chain of more than 32 steps is refused
 * as a cycle.
 *
 * <p>Positions: every event produced from one stored message carries that message's stream sequence. An entity's
 * version stays the sequence of its last stored message, whatever it yields; a projection receives the events of one
 * message together ({@code Projection#applyBatch}) and its checkpoint is that message's sequence.
 *
 * <pre>{@code
 * // version 1 of "StockAdjusted" meant "received and counted": two events now
 * EventUpcaster.split("StockAdjusted", 1, json -> List.of(
 *         new UpcastEvent("StockReceived", 1, json.deepCopy().retain("drug", "quantity")),
 *         new UpcastEvent("StockCounted", 1, json.deepCopy().retain("drug", "counted"))));
 * EventUpcaster.drop("ReservationMade", 1);                     // a retired type, read as nothing
 * EventUpcaster.retype("RxWithdrawn", 1, "Cancelled", 1, json -> json);
 * }</pre>
 *
 * @param type the stored type name it applies to (current, alias or retired)
 * @param fromVersion the schema version it reads
 * @param transformation the change; it may modify its argument; it returns a list, never null
 */
public record EventUpcaster(String type, int fromVersion, Function<ObjectNode, List<UpcastEvent>> transformation) {
    public EventUpcaster {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(transformation, "transformation");
        if (fromVersion < 1) {
            throw new IllegalArgumentException("an upcaster's fromVersion must be >= 1, was " + fromVersion);
        }
    }

    /** One stored event read as several (or any number of) events. */
    public static EventUpcaster split(
            String type, int fromVersion, Function<ObjectNode, List<UpcastEvent>> transformation) {
        return new EventUpcaster(type, fromVersion, transformation);
    }

    /** Stored events of {@code type} at {@code fromVersion} are read as no event at all. */
    public static EventUpcaster drop(String type, int fromVersion) {
        return new EventUpcaster(type, fromVersion, json -> List.of());
    }

    /** Stored events of {@code type} at {@code fromVersion} are read as {@code newType} at {@code newVersion}. */
    public static EventUpcaster retype(
            String type, int fromVersion, String newType, int newVersion, UnaryOperator<ObjectNode> transformation) {
        Objects.requireNonNull(newType, "newType");
        Objects.requireNonNull(transformation, "transformation");
        return new EventUpcaster(
                type, fromVersion, json -> List.of(new UpcastEvent(newType, newVersion, transformation.apply(json))));
    }

    /** The 1:1 upcaster as the general form: the same type, one version up. */
    static EventUpcaster of(Upcaster upcaster) {
        return new EventUpcaster(
                upcaster.type(),
                upcaster.fromVersion(),
                json -> List.of(new UpcastEvent(upcaster.type(), upcaster.fromVersion() + 1, upcaster.apply(json))));
    }

    /** Applies the transformation; a null result is refused. */
    public List<UpcastEvent> apply(ObjectNode json) {
        List<UpcastEvent> result = transformation.apply(json);
        if (result == null) {
            throw new IllegalArgumentException(
                    "the upcaster of '" + type + "' from version " + fromVersion + " returned null");
        }
        return result;
    }
}
