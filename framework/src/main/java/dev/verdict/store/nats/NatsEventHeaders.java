package dev.verdict.store.nats;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.internal.IsoInstant;
import io.nats.client.impl.Headers;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The NATS headers Verdict writes on every event message, and reads back. Any client in any language can read an
 * event from its subject, these headers and the JSON payload (see {@code docs/nats-mapping.md}).
 *
 * <table>
 *   <caption>Headers of an event message</caption>
 *   <tr><th>header</th><th>value</th><th>required on read</th></tr>
 *   <tr><td>{@value #TYPE}</td><td>stable event type name, e.g. {@code PrescriptionOrdered}</td><td>yes</td></tr>
 *   <tr><td>{@value #SCHEMA_VERSION}</td><td>schema version of the payload, decimal, &ge; 1</td><td>yes</td></tr>
 *   <tr><td>{@value #EVENT_ID}</td><td>unique event id, a UUID</td><td>yes</td></tr>
 *   <tr><td>{@value #TIME}</td><td>when the event happened, ISO-8601 UTC instant</td><td>yes</td></tr>
 *   <tr><td>{@value #COMMAND_ID}</td><td>id of the command that caused it</td><td>yes</td></tr>
 *   <tr><td>{@value #CORRELATION_ID}</td><td>correlation id of the command, written only when it differs from the
 *   command id</td><td>no (absent = the command id)</td></tr>
 *   <tr><td>{@value #CAUSATION_ID}</td><td>causation id of the command</td><td>no (absent = none)</td></tr>
 *   <tr><td>{@value #METADATA_PREFIX}{@code <key>}</td><td>user metadata of the command</td><td>no</td></tr>
 *   <tr><td>{@code Nats-Msg-Id}</td><td>{@code <commandId>:<index>}, used by the server to deduplicate</td><td>no</td></tr>
 * </table>
 *
 * <pre>{@code
 * String type = message.getHeaders().getFirst(NatsEventHeaders.TYPE);
 * }</pre>
 */
public final class NatsEventHeaders {
    public static final String TYPE = "Verdict-Type";
    public static final String SCHEMA_VERSION = "Verdict-Schema-Version";
    public static final String EVENT_ID = "Verdict-Event-Id";
    public static final String TIME = "Verdict-Time";
    public static final String COMMAND_ID = "Verdict-Command-Id";
    public static final String CORRELATION_ID = "Verdict-Correlation-Id";
    public static final String CAUSATION_ID = "Verdict-Causation-Id";
    /** Prefix of user metadata headers: metadata key {@code user} is stored as {@code Verdict-Meta-user}. */
    public static final String METADATA_PREFIX = "Verdict-Meta-";

    /** NATS' deduplication header. */
    public static final String MSG_ID = "Nats-Msg-Id";

    private NatsEventHeaders() {}

    /** The headers of the event at {@code index} of a command's decision. */
    public static Headers of(EncodedEvent event, int index, String eventId, Instant time, CommandContext context) {
        Headers h = new Headers();
        write((key, value) -> h.put(key, value), event, index, eventId, time, context);
        return h;
    }

    /**
     * The same headers as {@link #of}, collected for the store's own messages (see {@link OutgoingHeaders}); the caller
     * adds the append's headers and builds.
     */
    static OutgoingHeaders.Builder outgoing(
            EncodedEvent event, int index, String eventId, Instant time, CommandContext context) {
        OutgoingHeaders.Builder b = OutgoingHeaders.builder();
        write(b::add, event, index, eventId, time, context);
        return b;
    }

    /** Writes the event headers: the one list {@link #of} and {@link #outgoing} share. */
    private static void write(
            BiConsumer<String, String> h,
            EncodedEvent event,
            int index,
            String eventId,
            Instant time,
            CommandContext context) {
        h.accept(TYPE, event.type());
        h.accept(SCHEMA_VERSION, Integer.toString(event.schemaVersion()));
        h.accept(EVENT_ID, eventId);
        h.accept(TIME, IsoInstant.format(time));
        h.accept(COMMAND_ID, context.commandId());
        if (!context.correlationId().equals(context.commandId())) {
            h.accept(CORRELATION_ID, context.correlationId()); // absent = the command id (the usual case)
        }
        if (context.causationId().isPresent()) {
            h.accept(CAUSATION_ID, context.causationId().get());
        }
        if (!context.metadata().isEmpty()) {
            context.metadata().forEach((k, v) -> h.accept(METADATA_PREFIX + k, v));
        }
        h.accept(MSG_ID, context.messageId(index));
    }
}
