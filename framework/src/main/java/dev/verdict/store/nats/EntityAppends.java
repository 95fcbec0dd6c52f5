package dev.verdict.store.nats;

import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.internal.AppendArguments;
import dev.verdict.store.internal.EventIds;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append path of {@link NatsEventStore} for one entity: validation and size checks, the messages with their
 * expectation, message-id and batch headers, the publish (one event) or ADR-50 atomic batch (more), and the reading of
 * the answer – a conflict, a duplicate confirmed by reading the original events back ({@link EntityReads}), or an
 * unknown outcome ({@link EventStoreUnavailable}). What it guarantees is stated on {@link NatsEventStore}.
 */
final class EntityAppends {
    // logged under the store's name, as before the append path had a class of its own
    private static final Logger LOG = LoggerFactory.getLogger(NatsEventStore.class);
    private static final Pattern ACTUAL_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");

    private final Connection connection;
    private final String stream;
    private final Duration timeout;
    private final EntityReads reads;
    private final Clock clock;

    EntityAppends(Connection connection, String stream, Duration timeout, EntityReads reads, Clock clock) {
        this.connection = connection;
        this.stream = stream;
        this.timeout = timeout;
        this.reads = reads;
        this.clock = clock;
    }

    /** {@link NatsEventStore#append}: one publish for one event, one atomic batch for more. */
    AppendResult append(EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        List<Message> messages = prepare(entity, expectedVersion, events, context);
        try {
            if (messages.size() == 1) {
                return onThisEntity(entity, appendOne(entity, expectedVersion, messages.get(0)), context);
            }
            return appendBatch(entity, expectedVersion, messages, context);
        } catch (ConcurrencyConflict conflict) {
            // The server may check the expectation before deduplicating: a re-sent command whose original append
            // succeeded then looks like a conflict. Its events, if stored, are in the tail after expectedVersion.
            return originalOrConflict(entity, expectedVersion, conflict, context);
        }
    }

    /** Validates an append and builds its messages (size-checked): what {@link #append} and {@link #appendAsync} send. */
    private List<Message> prepare(
            EntityRef entity, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        AppendArguments.require(entity, expectedVersion, events, context);
        if (events.size() > NatsEventStore.MAX_EVENTS_PER_APPEND) {
            throw new IllegalArgumentException("an append may carry at most " + NatsEventStore.MAX_EVENTS_PER_APPEND
                    + " events (the server's atomic batch limit), got " + events.size());
        }
        String subject = entity.subject(stream);
        List<Message> messages = messages(subject, expectedVersion, events, context);
        requireSizes(entity, events, messages);
        return messages;
    }

    /** {@link NatsEventStore#appendAsync}: a one-event append waits on no thread; a batch runs on {@code blocking}. */
    CompletableFuture<AppendResult> appendAsync(
            EntityRef entity,
            long expectedVersion,
            List<EncodedEvent> events,
            CommandContext context,
            Executor blocking) {
        Objects.requireNonNull(blocking, "blocking");
        List<Message> messages;
        try {
            messages = prepare(entity, expectedVersion, events, context);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (messages.size() != 1) {
            return NatsEventStore.onExecutor(blocking, () -> append(entity, expectedVersion, events, context));
        }
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(messages.get(0), timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(unknownOutcome(entity, e.toString(), e));
        }
        return reply.orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                .handle((m, error) -> acknowledged(entity, expectedVersion, m, error))
                .thenCompose(result -> result.duplicate()
                        ? NatsEventStore.onExecutor(blocking, () -> onThisEntity(entity, result, context))
                        : CompletableFuture.completedFuture(result))
                .exceptionallyCompose(error -> {
                    Throwable cause = NatsEventStore.unwrap(error);
                    if (cause instanceof ConcurrencyConflict conflict) {
                        // as in append: a re-sent command whose original append succeeded may look like a conflict
                        return NatsEventStore.onExecutor(
                                blocking, () -> originalOrConflict(entity, expectedVersion, conflict, context));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /**
     * A one-event append the server acknowledged as a duplicate: the message it names must be this command's on this
     * entity's subject (one direct get, only for a re-send); when it is not, the command id was used before for another
     * entity, and that is refused as a batch's duplicate is ({@link #confirmDuplicate}), never reported as stored.
     */
    private AppendResult onThisEntity(EntityRef entity, AppendResult result, CommandContext context) {
        if (result.duplicate()
                && reads.originalSequences(entity, result.version(), result.version(), context, new ArrayList<>())
                        .isEmpty()) {
            throw reusedForAnotherEntity(entity, context, null);
        }
        return result;
    }

    private EventStoreException reusedForAnotherEntity(EntityRef entity, CommandContext context, Exception cause) {
        return new EventStoreException(
                "the server rejected the append to " + entity + " as a duplicate of command '" + context.commandId()
                        + "', but none of its events are on " + entity.subject(stream)
                        + ": was the command id reused for another entity?",
                cause);
    }

    /** The result of a one-event publish request, or what {@link #appendOne} would have thrown. */
    private AppendResult acknowledged(EntityRef entity, long expectedVersion, Message reply, Throwable error) {
        if (error != null) {
            Throwable cause = NatsEventStore.unwrap(error);
            throw unknownOutcome(entity, cause.toString(), cause);
        }
        if (reply == null) {
            throw unknownOutcome(entity, "no answer", null);
        }
        if (reply.isStatusMessage()) {
            throw unknownOutcome(entity, "status " + reply.getStatus(), null);
        }
        return published(entity, expectedVersion, reply);
    }

    /**
     * The result of a one-event publish from its acknowledgement: a plain acknowledgement is read directly ({@link
     * PublishAcks}); anything else – an error, an unexpected shape – by jnats' {@code PublishAck}, which reports it.
     */
    private AppendResult published(EntityRef entity, long expectedVersion, Message reply) {
        long read = PublishAcks.read(reply.getData());
        if (read != PublishAcks.NOT_PLAIN) {
            return new AppendResult(
                    entity, List.of(read & ~PublishAcks.DUPLICATE), (read & PublishAcks.DUPLICATE) != 0);
        }
        try {
            PublishAck ack = new PublishAck(reply);
            return new AppendResult(entity, List.of(ack.getSeqno()), ack.isDuplicate());
        } catch (JetStreamApiException e) {
            if (JetStreamErrors.isUnreadableAnswer(e)) {
                throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getErrorDescription(), e);
            }
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getMessage(), e);
        }
    }

    /**
     * After a conflict: the original events of a re-sent command, if the tail after {@code expectedVersion} holds any
     * (the server may check the expectation before deduplicating) – else the conflict is thrown. All of the command's
     * events on the entity are reported, however many the re-send decided: a re-send decided on an older state may
     * have decided another number of events, but the command id says it is the same command, and it was stored once.
     * The search ends at the subject's last sequence the conflict reported, when it did ("wrong last sequence: N"): an
     * original stored before this append was refused lies at or before N. Bounded so, it is one batch direct get
     * (unbounded, on an entity others keep writing, it chased the moving end of the subject with an ephemeral
     * consumer), and the tail it read goes with the conflict thrown ({@link ConcurrencyConflict#missedEvents()}), so
     * the runtime catches up without reading it again.
     */
    private AppendResult originalOrConflict(
            EntityRef entity, long expectedVersion, ConcurrencyConflict conflict, CommandContext context) {
        OptionalLong actual = conflict.actualVersion();
        boolean bounded = actual.isPresent() && actual.getAsLong() > expectedVersion;
        List<RecordedEvent> tail = new ArrayList<>();
        List<Long> sequences = reads.originalSequences(
                entity, expectedVersion + 1, bounded ? actual.getAsLong() : Long.MAX_VALUE, context, tail);
        if (sequences.isEmpty()) {
            if (bounded
                    && !tail.isEmpty()
                    && tail.get(tail.size() - 1).sequence() == actual.getAsLong()
                    && conflict.missedEvents().isEmpty()) {
                throw new ConcurrencyConflict(entity, expectedVersion, actual, tail);
            }
            throw conflict;
        }
        LOG.debug(
                "append to {} of command {} was a re-send; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return new AppendResult(entity, sequences, true);
    }

    List<Long> originalSequences(EntityRef entity, long from, CommandContext context) {
        return reads.originalSequences(entity, from, context);
    }

    private List<Message> messages(
            String subject, long expectedVersion, List<EncodedEvent> events, CommandContext context) {
        Instant now = clock.instant();
        boolean batch = events.size() > 1;
        String batchId = batch ? EventIds.next() : null;
        List<Message> messages = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EncodedEvent event = Objects.requireNonNull(events.get(i), "event " + i);
            // built without jnats' per-put hash maps, checked by its rules, sent without a copy (OutgoingHeaders)
            OutgoingHeaders.Builder h = NatsEventHeaders.outgoing(event, i, EventIds.next(), now, context);
            if (i == 0) {
                h.add(NatsEventStore.EXPECTED_STREAM, stream);
                h.add(NatsEventStore.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedVersion));
            }
            if (batch) {
                h.add(NatsEventStore.BATCH_ID, batchId);
                h.add(NatsEventStore.BATCH_SEQUENCE, Integer.toString(i + 1));
                if (i == events.size() - 1) {
                    h.add(NatsEventStore.BATCH_COMMIT, "1");
                }
            }
            messages.add(new NatsMessage(subject, null, h.build(), event.payload()));
        }
        return messages;
    }

    private void requireSizes(EntityRef entity, List<EncodedEvent> events, List<Message> messages) {
        long max = connection.getMaxPayload();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            long size = (long) m.getHeaders().serializedLength() + m.getData().length;
            if (max > 0 && size > max) {
                throw new EventTooLarge("event " + i + " (" + events.get(i).type() + ") of " + entity + " is " + size
                        + " bytes with headers, more than the server's maximum payload of " + max
                        + " bytes; nothing was stored");
            }
        }
    }

    private AppendResult appendOne(EntityRef entity, long expectedVersion, Message message) {
        return published(entity, expectedVersion, request(entity, message));
    }

    private AppendResult appendBatch(
            EntityRef entity, long expectedVersion, List<Message> messages, CommandContext context) {
        int n = messages.size();
        try {
            Message first = request(entity, messages.get(0));
            if (first.getData() != null && first.getData().length > 0) {
                PublishAck ignored = new PublishAck(first); // throws on an error answer
                LOG.trace("first message of batch for {} answered {}", entity, ignored);
            }
            for (int i = 1; i < n - 1; i++) {
                connection.publish(messages.get(i));
            }
            PublishAck ack = new PublishAck(request(entity, messages.get(n - 1)));
            List<Long> sequences = PublishAcks.batchSequences(ack, n, what -> unknownOutcome(entity, what, null));
            return new AppendResult(entity, sequences, false);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.BATCH_DUPLICATE) {
                return confirmDuplicate(entity, expectedVersion, context, e);
            }
            if (JetStreamErrors.isUnreadableAnswer(e)) {
                throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getErrorDescription(), e);
            }
            throw failure(entity, expectedVersion, e);
        } catch (IOException e) {
            throw unknownOutcome(entity, "unreadable acknowledgement: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot publish to " + entity + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server refused the batch because message ids of it were seen: the command was appended before (a re-send
     * after a lost acknowledgement, perhaps decided on an older state and so with another number of events). Report
     * the original events, whatever their number; never append twice. None on this entity: the id was used for
     * another entity.
     */
    private AppendResult confirmDuplicate(
            EntityRef entity, long expectedVersion, CommandContext context, JetStreamApiException cause) {
        List<Long> sequences = originalSequences(entity, expectedVersion + 1, context);
        if (sequences.isEmpty() && expectedVersion > 0) {
            sequences = originalSequences(entity, 1, context);
        }
        if (sequences.isEmpty()) {
            throw reusedForAnotherEntity(entity, context, cause);
        }
        LOG.debug(
                "batch for {} of command {} was a duplicate; original sequences {}",
                entity,
                context.commandId(),
                sequences);
        return new AppendResult(entity, sequences, true);
    }

    private EventStoreException failure(EntityRef entity, long expectedVersion, JetStreamApiException e) {
        int code = e.getApiErrorCode();
        if (JetStreamErrors.isWrongLastSequence(code)) {
            Matcher m = ACTUAL_SEQUENCE.matcher(String.valueOf(e.getErrorDescription()));
            OptionalLong actual = m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
            return new ConcurrencyConflict(entity, expectedVersion, actual);
        }
        return new EventStoreException(
                "the server refused the append to " + entity + ": " + e.getErrorDescription() + " (error " + code + ")",
                e);
    }

    private Message request(EntityRef entity, Message message) {
        try {
            Message reply = connection
                    .requestWithTimeout(message, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw unknownOutcome(entity, "no answer", null);
            }
            if (reply.isStatusMessage()) {
                throw unknownOutcome(entity, "status " + reply.getStatus(), null);
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknownOutcome(entity, "interrupted", e);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw unknownOutcome(entity, e.toString(), e);
        }
    }

    private EventStoreUnavailable unknownOutcome(EntityRef entity, String what, Throwable cause) {
        return new EventStoreUnavailable(
                "append to " + entity + " got no usable acknowledgement within " + timeout + " (" + what
                        + "); the events may or may not be stored – re-send with the same command id",
                cause);
    }
}
