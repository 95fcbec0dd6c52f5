package dev.verdict.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An event a projection gave up on, as recorded in the {@link DeadLetters} (on NATS: {@link dev.verdict.store.nats.NatsDeadLetters}). The event itself stays in the event
 * stream: {@code stream} and {@code sequence} are the reference to its payload.
 *
 * <pre>{@code
 * for (DeadLetter letter : deadLetters.list("prescription-list")) {
 *     log.warn("{} at {}#{}: {} ({})", letter.reason(), letter.stream(), letter.sequence(), letter.detail(), letter.subject());
 * }
 * }</pre>
 *
 * @param projection the projection's name
 * @param stream the event stream
 * @param sequence the event's stream sequence (the payload reference)
 * @param subject the event's subject (store, category, entity)
 * @param eventType the type header, if the message had one
 * @param reason the kind of failure
 * @param detail the last failure's message
 * @param attempts how many times it was tried
 * @param recordedAt when it was dead-lettered
 * @param streamIdentity the identity of the stream's incarnation the event was read from (see {@link
 *     EventFeeds#streamIdentity()}); empty for a dead letter of an earlier release, which did not keep it. After the
 *     stream was deleted and created again its sequences name other events: a letter of another incarnation is not
 *     replayed
 */
public record DeadLetter(
        String projection,
        String stream,
        long sequence,
        String subject,
        Optional<String> eventType,
        PoisonReason reason,
        String detail,
        int attempts,
        Instant recordedAt,
        Optional<String> streamIdentity) {
    public DeadLetter {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(streamIdentity, "streamIdentity");
    }

    /** A dead letter without the stream's identity (as recorded before it was kept). */
    public DeadLetter(
            String projection,
            String stream,
            long sequence,
            String subject,
            Optional<String> eventType,
            PoisonReason reason,
            String detail,
            int attempts,
            Instant recordedAt) {
        this(projection, stream, sequence, subject, eventType, reason, detail, attempts, recordedAt, Optional.empty());
    }
}
