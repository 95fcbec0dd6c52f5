package dev.verdict.store.nats;

import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventSubject;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.internal.IsoInstant;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns stored NATS messages into {@link RecordedEvent}s: from a JetStream consumer's {@link Message} (as projections
 * receive them) or from a direct get's {@link MessageInfo}.
 *
 * <p>Guarantees: a message that is not a Verdict event – on a subject outside {@code <store>.<category>.<id>}, with
 * no headers, or missing one of the required {@link NatsEventHeaders} or with a malformed one – fails with {@link
 * EventDecodingFailed} naming stream, subject, sequence and type; it is never skipped. The payload is not decoded
 * here; decode it with the category's codec ({@link dev.verdict.store.EventDecoding}).
 *
 * <pre>{@code
 * consumerContext.consume(msg -> {
 *     RecordedEvent e = NatsRecordedEvents.fromMessage(StoreName.of("pharmacy"), msg);
 *     PrescriptionEvent event = EventDecoding.decode(store.name(), e, codec);
 *     msg.ack();
 * });
 * }</pre>
 */
public final class NatsRecordedEvents {
    private NatsRecordedEvents() {}

    /**
     * The recorded event of a message delivered by a JetStream consumer (it carries the stream sequence and
     * timestamp in its metadata).
     *
     * @throws EventDecodingFailed when the message is not a Verdict event of this store
     */
    public static RecordedEvent fromMessage(StoreName store, Message message) {
        if (!message.isJetStream()) {
            throw new IllegalArgumentException("message on '" + message.getSubject()
                    + "' was not delivered by a JetStream consumer, so it has no stream sequence");
        }
        NatsJetStreamMetaData meta = message.metaData();
        return from(
                store,
                meta.getStream(),
                message.getSubject(),
                meta.streamSequence(),
                meta.timestamp().toInstant(),
                message.getHeaders(),
                message.getData());
    }

    /**
     * The recorded event of a delivery of a runner's feed, read as an event of {@code store} (a custom {@code
     * EventMessageReader} written as {@code m -> NatsRecordedEvents.fromMessage(store, m)} keeps compiling). A delivery
     * of another store than NATS is read by its own mapping.
     *
     * @throws EventDecodingFailed when the delivery is not a Verdict event of this store
     */
    public static RecordedEvent fromMessage(StoreName store, EventDelivery delivery) {
        if (delivery instanceof NatsDelivery nats) {
            return fromMessage(store, nats.message());
        }
        return delivery.recorded();
    }

    /**
     * The recorded event of a message fetched by a (direct) get.
     *
     * @throws EventDecodingFailed when the message is not a Verdict event of this store
     */
    public static RecordedEvent fromMessageInfo(StoreName store, MessageInfo info) {
        return from(
                store,
                info.getStream() == null ? store.value() : info.getStream(),
                info.getSubject(),
                info.getSeq(),
                info.getTime().toInstant(),
                info.getHeaders(),
                info.getData());
    }

    /** As {@link #fromMessage}, for a message read from a known entity's subject (skips parsing the subject). */
    static RecordedEvent fromMessage(StoreName store, EntityRef entity, Message message) {
        NatsJetStreamMetaData meta = message.metaData();
        return from(
                store,
                entity,
                meta.getStream(),
                message.getSubject(),
                meta.streamSequence(),
                meta.timestamp().toInstant(),
                message.getHeaders(),
                message.getData());
    }

    /** As {@link #fromMessageInfo}, for a message read from a known entity's subject (skips parsing the subject). */
    static RecordedEvent fromMessageInfo(StoreName store, EntityRef entity, MessageInfo info) {
        return from(
                store,
                entity,
                info.getStream() == null ? store.value() : info.getStream(),
                info.getSubject(),
                info.getSeq(),
                info.getTime().toInstant(),
                info.getHeaders(),
                info.getData());
    }

    static RecordedEvent from(
            StoreName store, String stream, String subject, long sequence, Instant storedAt, Headers h, byte[] data) {
        String type = h == null ? null : h.getFirst(NatsEventHeaders.TYPE);
        return from(
                store, entityOf(store, stream, subject, sequence, type), stream, subject, sequence, storedAt, h, data);
    }

    private static RecordedEvent from(
            StoreName store,
            EntityRef entity,
            String stream,
            String subject,
            long sequence,
            Instant storedAt,
            Headers h,
            byte[] data) {
        String type = h == null ? null : h.getFirst(NatsEventHeaders.TYPE);
        if (!entity.subject(store.value()).equals(subject)) {
            throw new EventDecodingFailed(
                    stream, subject, sequence, type, "read for " + entity + " returned a message of another subject");
        }
        if (h == null || h.isEmpty()) {
            throw new EventDecodingFailed(
                    stream, subject, sequence, null, "the message has no headers, so it is not a Verdict event");
        }
        int schemaVersion = parsed(
                h, NatsEventHeaders.SCHEMA_VERSION, Integer::parseInt, "a number", stream, subject, sequence, type);
        String eventId = required(h, NatsEventHeaders.EVENT_ID, stream, subject, sequence, type);
        Instant time = parsed(
                h, NatsEventHeaders.TIME, IsoInstant::parse, "an ISO-8601 instant", stream, subject, sequence, type);
        String commandId = required(h, NatsEventHeaders.COMMAND_ID, stream, subject, sequence, type);
        String correlationId = h.getFirst(NatsEventHeaders.CORRELATION_ID);
        if (correlationId == null || correlationId.isEmpty()) {
            correlationId = commandId; // written only when it differs from the command id
        }
        Optional<String> causationId = Optional.ofNullable(h.getFirst(NatsEventHeaders.CAUSATION_ID));
        Map<String, String> metadata = new HashMap<>();
        for (String key : h.keySet()) {
            if (key.startsWith(NatsEventHeaders.METADATA_PREFIX)) {
                metadata.put(key.substring(NatsEventHeaders.METADATA_PREFIX.length()), h.getFirst(key));
            }
        }
        EncodedEvent event;
        try {
            event = new EncodedEvent(
                    required(h, NatsEventHeaders.TYPE, stream, subject, sequence, type),
                    schemaVersion,
                    data == null ? new byte[0] : data);
        } catch (IllegalArgumentException e) {
            throw new EventDecodingFailed(stream, subject, sequence, type, e.getMessage(), e);
        }
        return new RecordedEvent(
                entity, sequence, storedAt, eventId, time, event, commandId, correlationId, causationId, metadata);
    }

    /** The entity of a subject {@code <store>.<category...>.<id>} ({@link EventSubject}). */
    static EntityRef entityOf(StoreName store, String stream, String subject, long sequence, String type) {
        return EventSubject.entityOf(store, subject)
                .orElseThrow(() -> new EventDecodingFailed(
                        stream,
                        subject,
                        sequence,
                        type,
                        "the subject is not of the form " + store + ".<category>.<id> with valid tokens"));
    }

    /** A required header's value read by {@code parser}; a value it refuses fails decoding, naming the header. */
    private static <T> T parsed(
            Headers h,
            String name,
            Function<String, T> parser,
            String expected,
            String stream,
            String subject,
            long sequence,
            String type) {
        String text = required(h, name, stream, subject, sequence, type);
        try {
            return parser.apply(text);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new EventDecodingFailed(
                    stream, subject, sequence, type, "header " + name + " '" + text + "' is not " + expected, e);
        }
    }

    private static String required(Headers h, String name, String stream, String subject, long sequence, String type) {
        String value = h.getFirst(name);
        if (value == null || value.isEmpty()) {
            throw new EventDecodingFailed(stream, subject, sequence, type, "required header " + name + " is missing");
        }
        return value;
    }
}
