package dev.verdict.store.nats;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.ConflictAcrossEntities;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.internal.EventIds;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append of a decision over several entities: one ADR-50 atomic batch over several subjects, every entity read
 * guarded by its version (docs/nats-mapping.md, "Several entities in one atomic batch").
 *
 * <p>Guards: each written entity's first message carries {@code Nats-Expected-Last-Subject-Sequence} = its version;
 * each entity only read is guarded by {@code Nats-Expected-Last-Subject-Sequence-Subject} = its subject (with its
 * version) on one of the remaining messages, in order. A message carries at most one guard, so a batch of n messages
 * guards at most n entities: more is refused before anything is sent.
 */
final class MultiSubjectBatch {
    private static final Logger LOG = LoggerFactory.getLogger(MultiSubjectBatch.class);
    /**
     * Asynchronous batches one store sends at once; more wait for one to finish. The server accepts 50 atomic batches
     * in flight per stream (more are refused with 10210): this leaves room for blocking appends and other instances.
     */
    static final int MAX_ASYNC_BATCHES_IN_FLIGHT = 32;

    static final String EXPECTED_LAST_SUBJECT_SEQUENCE_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
    private static final Pattern ACTUAL_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");

    private final NatsEventStore store;
    private final Connection connection;
    private final String stream;
    private final Duration timeout;
    private final Clock clock;
    /** Asynchronous batches of this store in flight, below the server's limit per stream. */
    private final BatchesInFlight inFlight = new BatchesInFlight(MAX_ASYNC_BATCHES_IN_FLIGHT);

    MultiSubjectBatch(NatsEventStore store, Connection connection, String stream, Duration timeout, Clock clock) {
        this.store = store;
        this.connection = connection;
        this.stream = stream;
        this.timeout = timeout;
        this.clock = clock;
    }

    AppendAcrossResult append(List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        Map<EntityRef, Long> versions = validated(guards, events, context);
        if (versions.size() == 1) {
            return appendToOne(guards.get(0), events, context);
        }
        List<Message> messages = messages(versions, events, context);
        try {
            return send(messages, events, guards);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.BATCH_DUPLICATE && !JetStreamErrors.isUnreadableAnswer(e)) {
                return confirmDuplicate(versions, context, e);
            }
            throw refused(guards, versions, e);
        } catch (IOException e) {
            throw unknownOutcome(guards, "unreadable acknowledgement: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot publish to " + versions.keySet() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #append} without parking a thread on NATS: the batch's first message is an asynchronous request, the
     * rest is sent when the server has answered it, and the last message's acknowledgement completes the future (on the
     * connection's thread). At most {@link #MAX_ASYNC_BATCHES_IN_FLIGHT} such batches are in flight; more wait (no
     * thread) until one finishes. What reads (a duplicate's original events) runs on {@code blocking}. The same outcomes as
     * {@link #append}, as the future's failure.
     */
    CompletableFuture<AppendAcrossResult> appendAsync(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context, Executor blocking) {
        Map<EntityRef, Long> versions;
        List<Message> messages;
        try {
            versions = validated(guards, events, context);
            if (versions.size() == 1) {
                return appendToOneAsync(guards.get(0), events, context, blocking);
            }
            messages = messages(versions, events, context);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int n = messages.size();
        CompletableFuture<AppendAcrossResult> result = new CompletableFuture<>();
        inFlight.start(() -> sendAsync(guards, events, context, blocking, versions, messages, n)
                .whenComplete((value, error) -> {
                    inFlight.release();
                    if (error != null) {
                        result.completeExceptionally(NatsEventStore.unwrap(error));
                    } else {
                        result.complete(value);
                    }
                }));
        return result;
    }

    private CompletableFuture<AppendAcrossResult> sendAsync(
            List<EntityVersion> guards,
            List<EntityEvent> events,
            CommandContext context,
            Executor blocking,
            Map<EntityRef, Long> versions,
            List<Message> messages,
            int n) {
        return requestAsync(guards, messages.get(0))
                .thenCompose(first -> {
                    checkFirst(guards, first);
                    for (int i = 1; i < n - 1; i++) {
                        connection.publish(messages.get(i));
                    }
                    return requestAsync(guards, messages.get(n - 1));
                })
                .thenApply(last -> acknowledged(guards, events, last))
                .exceptionallyCompose(error -> {
                    Throwable cause = NatsEventStore.unwrap(error);
                    if (cause instanceof JetStreamApiException e) {
                        if (e.getApiErrorCode() == JetStreamErrors.BATCH_DUPLICATE
                                && !JetStreamErrors.isUnreadableAnswer(e)) {
                            return NatsEventStore.onExecutor(blocking, () -> confirmDuplicate(versions, context, e));
                        }
                        return CompletableFuture.failedFuture(refused(guards, versions, e));
                    }
                    if (cause instanceof IOException e) {
                        return CompletableFuture.failedFuture(
                                unknownOutcome(guards, "unreadable acknowledgement: " + e.getMessage(), e));
                    }
                    if (cause instanceof IllegalStateException e) {
                        return CompletableFuture.failedFuture(new EventStoreUnavailable(
                                "cannot publish to " + versions.keySet() + ": " + e.getMessage(), e));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private static Map<EntityRef, Long> validated(
            List<EntityVersion> guards, List<EntityEvent> events, CommandContext context) {
        Objects.requireNonNull(guards, "guards");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(context, "context");
        Map<EntityRef, Long> versions = new LinkedHashMap<>();
        for (EntityVersion guard : guards) {
            Objects.requireNonNull(guard, "guards must not contain null");
            if (versions.put(guard.entity(), guard.version()) != null) {
                throw new IllegalArgumentException(guard.entity() + " is guarded twice");
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("an append across entities guards at least one entity");
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one event");
        }
        if (events.size() > NatsEventStore.MAX_EVENTS_PER_APPEND) {
            throw new IllegalArgumentException("an append may carry at most " + NatsEventStore.MAX_EVENTS_PER_APPEND
                    + " events (the server's atomic batch limit), got " + events.size());
        }
        for (EntityEvent event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            if (!versions.containsKey(event.entity())) {
                throw new IllegalArgumentException("an event goes to " + event.entity()
                        + ", which is not guarded: guard every entity written (" + versions.keySet() + ")");
            }
        }
        return versions;
    }

    /** What a refused batch (other than a duplicate) is reported as: a conflict, an unknown outcome, a refusal. */
    private RuntimeException refused(
            List<EntityVersion> guards, Map<EntityRef, Long> versions, JetStreamApiException e) {
        int code = e.getApiErrorCode();
        if (JetStreamErrors.isUnreadableAnswer(e)) {
            return unknownOutcome(guards, "unreadable acknowledgement: " + e.getErrorDescription(), e);
        }
        if (JetStreamErrors.isWrongLastSequence(code)) {
            Matcher m = ACTUAL_SEQUENCE.matcher(String.valueOf(e.getErrorDescription()));
            return new ConflictAcrossEntities(
                    guards, m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty());
        }
        return new EventStoreException(
                "the server refused the append to " + versions.keySet() + ": " + e.getErrorDescription() + " (error "
                        + code + ")",
                e);
    }

    /** One entity: the store's ordinary append (one event is a plain publish, no batch). */
    private AppendAcrossResult appendToOne(EntityVersion guard, List<EntityEvent> events, CommandContext context) {
        try {
            return acrossOne(
                    guard, events, context, store.append(guard.entity(), guard.version(), encoded(events), context));
        } catch (ConcurrencyConflict conflict) {
            throw acrossOne(guard, conflict);
        }
    }

    /** {@link #appendToOne} on the store's asynchronous append. */
    private CompletableFuture<AppendAcrossResult> appendToOneAsync(
            EntityVersion guard, List<EntityEvent> events, CommandContext context, Executor blocking) {
        return store.appendAsync(guard.entity(), guard.version(), encoded(events), context, blocking)
                .handle((result, error) -> {
                    if (error == null) {
                        if (result.duplicate() && result.sequences().size() != events.size()) {
                            return NatsEventStore.onExecutor(blocking, () -> acrossOne(guard, events, context, result));
                        }
                        return CompletableFuture.completedFuture(acrossOne(guard, events, context, result));
                    }
                    Throwable cause = NatsEventStore.unwrap(error);
                    return CompletableFuture.<AppendAcrossResult>failedFuture(
                            cause instanceof ConcurrencyConflict conflict ? acrossOne(guard, conflict) : cause);
                })
                .thenCompose(next -> next);
    }

    private static List<EncodedEvent> encoded(List<EntityEvent> events) {
        List<EncodedEvent> encoded = new ArrayList<>(events.size());
        for (EntityEvent event : events) {
            encoded.add(event.event());
        }
        return encoded;
    }

    private AppendAcrossResult acrossOne(
            EntityVersion guard, List<EntityEvent> events, CommandContext context, AppendResult result) {
        if (result.duplicate() && result.sequences().size() != events.size()) {
            // a re-send decided on another state: the original events are the answer
            return original(Map.of(guard.entity(), guard.version()), context)
                    .orElseThrow(() -> new IllegalStateException(
                            "the store reported " + result + " as a duplicate, but its events cannot be read back"));
        }
        return new AppendAcrossResult(events, result.sequences(), result.duplicate());
    }

    private static ConflictAcrossEntities acrossOne(EntityVersion guard, ConcurrencyConflict conflict) {
        ConflictAcrossEntities across = new ConflictAcrossEntities(List.of(guard), conflict.actualVersion());
        across.initCause(conflict);
        return across;
    }

    private List<Message> messages(Map<EntityRef, Long> versions, List<EntityEvent> events, CommandContext context) {
        Instant now = clock.instant();
        String batchId = EventIds.next();
        Set<EntityRef> written = new HashSet<>();
        List<Message> messages = new ArrayList<>(events.size());
        List<Headers> free = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EntityEvent event = events.get(i);
            Headers h = NatsEventHeaders.of(event.event(), i, EventIds.next(), now, context);
            if (i == 0) {
                h.put(NatsEventStore.EXPECTED_STREAM, stream);
            }
            if (written.add(event.entity())) {
                h.put(NatsEventStore.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(versions.get(event.entity())));
            } else {
                free.add(h);
            }
            h.put(NatsEventStore.BATCH_ID, batchId);
            h.put(NatsEventStore.BATCH_SEQUENCE, Integer.toString(i + 1));
            if (i == events.size() - 1) {
                h.put(NatsEventStore.BATCH_COMMIT, "1");
            }
            messages.add(NatsMessage.builder()
                    .subject(event.entity().subject(stream))
                    .headers(h)
                    .data(event.event().payload())
                    .build());
        }
        int slot = 0;
        for (Map.Entry<EntityRef, Long> guard : versions.entrySet()) {
            if (written.contains(guard.getKey())) {
                continue;
            }
            if (slot == free.size()) {
                throw new IllegalArgumentException("a decision that reads " + versions.size() + " entities ("
                        + versions.keySet() + ") and appends " + events.size() + " events to " + written.size()
                        + " of them cannot guard them all: each message carries one guard, so an atomic batch of n"
                        + " events guards at most n entities (see docs/runtime.md, 'Limits'); nothing was stored");
            }
            Headers h = free.get(slot++);
            h.put(EXPECTED_LAST_SUBJECT_SEQUENCE_SUBJECT, guard.getKey().subject(stream));
            h.put(NatsEventStore.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(guard.getValue()));
        }
        long max = connection.getMaxPayload();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            long size = (long) m.getHeaders().serializedLength() + m.getData().length;
            if (max > 0 && size > max) {
                throw new EventTooLarge(
                        "event " + i + " (" + events.get(i).event().type() + ") of "
                                + events.get(i).entity() + " is " + size
                                + " bytes with headers, more than the server's maximum payload of " + max
                                + " bytes; nothing was stored");
            }
        }
        return messages;
    }

    private AppendAcrossResult send(List<Message> messages, List<EntityEvent> events, List<EntityVersion> guards)
            throws JetStreamApiException, IOException {
        int n = messages.size();
        checkFirstOrThrow(guards, request(guards, messages.get(0)));
        for (int i = 1; i < n - 1; i++) {
            connection.publish(messages.get(i));
        }
        return acknowledgedOrThrow(guards, events, request(guards, messages.get(n - 1)));
    }

    /** The answer to a batch's first message: empty while the batch is open, else an error (thrown). */
    private void checkFirstOrThrow(List<EntityVersion> guards, Message first)
            throws JetStreamApiException, IOException {
        if (first.getData() != null && first.getData().length > 0) {
            PublishAck ignored = new PublishAck(first); // throws on an error answer
            LOG.trace("first message of a batch across {} answered {}", guards, ignored);
        }
    }

    /** The result of a batch from the acknowledgement of its commit (its last message). */
    private AppendAcrossResult acknowledgedOrThrow(List<EntityVersion> guards, List<EntityEvent> events, Message last)
            throws JetStreamApiException, IOException {
        int n = events.size();
        PublishAck ack = new PublishAck(last);
        List<Long> sequences = PublishAcks.batchSequences(ack, n, what -> unknownOutcome(guards, what, null));
        return new AppendAcrossResult(events, sequences, false);
    }

    private void checkFirst(List<EntityVersion> guards, Message first) {
        try {
            checkFirstOrThrow(guards, first);
        } catch (JetStreamApiException | IOException e) {
            throw new CompletionException(e);
        }
    }

    private AppendAcrossResult acknowledged(List<EntityVersion> guards, List<EntityEvent> events, Message last) {
        try {
            return acknowledgedOrThrow(guards, events, last);
        } catch (JetStreamApiException | IOException e) {
            throw new CompletionException(e);
        }
    }

    /**
     * The server refused the batch because one of its message ids was seen: the command was appended before (a re-send
     * after a lost acknowledgement, perhaps decided on an older state and so with other events). The answer is the
     * original events, read back from the guarded entities; never append twice.
     */
    private AppendAcrossResult confirmDuplicate(
            Map<EntityRef, Long> versions, CommandContext context, JetStreamApiException cause) {
        return original(versions, context)
                .orElseThrow(() -> new EventStoreException(
                        "the server rejected the append across " + versions.keySet()
                                + " as a duplicate of command '" + context.commandId()
                                + "', but none of them holds an event of it: was the command id reused for other"
                                + " entities?",
                        cause));
    }

    /** The events of the command stored on the entities, in stream order; empty if there are none. */
    private Optional<AppendAcrossResult> original(Map<EntityRef, Long> versions, CommandContext context) {
        List<RecordedEvent> found = new ArrayList<>();
        for (Map.Entry<EntityRef, Long> guard : versions.entrySet()) {
            EntityRef entity = guard.getKey();
            long version = guard.getValue();
            int before = found.size();
            // the original append came after the version read now only if this decision was made on an older state
            store.read(entity, ReadRange.after(version), e -> {
                if (e.commandId().equals(context.commandId())) {
                    found.add(e);
                }
            });
            if (found.size() == before && version > 0) {
                store.read(entity, ReadRange.all().upToSequence(version), e -> {
                    if (e.commandId().equals(context.commandId())) {
                        found.add(e);
                    }
                });
            }
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        found.sort(Comparator.comparingLong(RecordedEvent::sequence));
        List<EntityEvent> events = new ArrayList<>(found.size());
        List<Long> sequences = new ArrayList<>(found.size());
        for (RecordedEvent e : found) {
            events.add(new EntityEvent(e.entity(), e.event()));
            sequences.add(e.sequence());
        }
        LOG.debug("batch across {} of command {} was a duplicate", versions.keySet(), context.commandId());
        return Optional.of(new AppendAcrossResult(events, sequences, true));
    }

    private Message request(List<EntityVersion> guards, Message message) {
        try {
            return answer(
                    guards,
                    connection
                            .requestWithTimeout(message, timeout)
                            .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknownOutcome(guards, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw unknownOutcome(guards, e.toString(), e);
        }
    }

    /** {@link #request} without waiting: the answer, or an unknown outcome as the future's failure. */
    private CompletableFuture<Message> requestAsync(List<EntityVersion> guards, Message message) {
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(message, timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(unknownOutcome(guards, e.toString(), e));
        }
        return reply.orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).handle((m, error) -> {
            if (error != null) {
                Throwable cause = NatsEventStore.unwrap(error);
                throw unknownOutcome(guards, cause.toString(), cause);
            }
            return answer(guards, m);
        });
    }

    private Message answer(List<EntityVersion> guards, Message reply) {
        if (reply == null) {
            throw unknownOutcome(guards, "no answer", null);
        }
        if (reply.isStatusMessage()) {
            throw unknownOutcome(guards, "status " + reply.getStatus(), null);
        }
        return reply;
    }

    private EventStoreUnavailable unknownOutcome(List<EntityVersion> guards, String what, Throwable cause) {
        List<EntityRef> entities = new ArrayList<>();
        guards.forEach(g -> entities.add(g.entity()));
        return new EventStoreUnavailable(
                "append across " + entities + " got no usable acknowledgement within " + timeout + " (" + what
                        + "); the events may or may not be stored – re-send with the same command id",
                cause);
    }
}
