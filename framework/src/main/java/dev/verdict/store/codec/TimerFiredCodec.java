package dev.verdict.store.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.internal.IsoInstant;
import java.io.IOException;

/**
 * The codec of {@link TimerFired}: type {@value TimerFired#TYPE}, schema version 1, payload {@code
 * {"owner":"prescription-expiry","instance":"rx-42","name":"expiry","dueAt":"2027-01-31T00:00:00Z",
 * "scheduledAt":"2026-12-07T17:00:00.123Z"}} – plain JSON any client can read (docs/nats-mapping.md, "Timers").
 *
 * <pre>{@code
 * NatsProjections.runner(connection, TimerReactions.filter(store, "prescription-expiry"), TimerFiredCodec.INSTANCE,
 *         reactions).build();
 * }</pre>
 */
public final class TimerFiredCodec implements EventCodec<TimerFired> {
    /** The one instance (the codec keeps no state). */
    public static final TimerFiredCodec INSTANCE = new TimerFiredCodec();

    private static final int VERSION = 1;
    private final ObjectMapper mapper = new ObjectMapper();

    private TimerFiredCodec() {}

    @Override
    public EncodedEvent encode(TimerFired event) {
        ObjectNode json = mapper.createObjectNode();
        json.put("owner", event.ref().owner());
        json.put("instance", event.ref().instance());
        json.put("name", event.ref().name());
        json.put("dueAt", IsoInstant.format(event.dueAt()));
        json.put("scheduledAt", IsoInstant.format(event.scheduledAt()));
        try {
            return new EncodedEvent(TimerFired.TYPE, VERSION, mapper.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a fired timer as JSON", e);
        }
    }

    @Override
    public TimerFired decode(EncodedEvent encoded) {
        if (!TimerFired.TYPE.equals(encoded.type())) {
            throw new IllegalArgumentException(
                    "not a fired timer: type '" + encoded.type() + "', expected '" + TimerFired.TYPE + "'");
        }
        if (encoded.schemaVersion() != VERSION) {
            throw new IllegalArgumentException("fired timer schema version " + encoded.schemaVersion()
                    + " is not known to this release (knows " + VERSION + ")");
        }
        try {
            JsonNode json = mapper.readTree(encoded.payload());
            return new TimerFired(
                    TimerRef.of(text(json, "owner"), text(json, "instance"), text(json, "name")),
                    IsoInstant.parse(text(json, "dueAt")),
                    IsoInstant.parse(text(json, "scheduledAt")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed fired timer payload: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json == null ? null : json.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }
}
