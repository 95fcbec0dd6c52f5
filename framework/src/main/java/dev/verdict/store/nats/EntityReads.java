package dev.verdict.store.nats;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of {@link NatsEventStore}: an entity's events in order, its version as the stream leader knows it,
 * and the search for a re-sent command's original events – all consistent with the stream leader, also on a
 * replicated stream whose replicas lag (see docs/nats-mapping.md, "Consistent reads").
 */
final class EntityReads {
    private static final Logger LOG = LoggerFactory.getLogger(EntityReads.class);
    private static final Pattern LEADER_SEQUENCE = Pattern.compile("\"seq\":(\\d{1,19})");
    private static final Pattern LEADER_ERROR_CODE = Pattern.compile("\"err_code\":(\\d{1,9})");
    private static final Pattern LEADER_ERROR_STATUS = Pattern.compile("\"code\":(\\d{1,3})[,}]");
    private static final int DIRECT_READ_LIMIT = NatsEventStore.DIRECT_READ_LIMIT;

    private final Connection connection;
    private final StoreName name;
    private final String stream;
    private final Duration timeout;
    private final DirectBatchReader reader;
    private final String leaderGetSubject;
    private final ConsumerReader consumerReader;

    EntityReads(Connection connection, StoreName name, Duration timeout) {
        this.connection = connection;
        this.name = name;
        this.stream = name.value();
        this.timeout = timeout;
        this.reader =
                new DirectBatchReader(connection, stream, NatsEventStore.directGetTimeout(timeout), DIRECT_READ_LIMIT);
        this.leaderGetSubject = "$JS.API.STREAM.MSG.GET." + stream;
        this.consumerReader = new ConsumerReader(connection, stream, timeout);
    }

    /**
     * The sequences of the entity's messages of {@code context}'s command ({@code Nats-Msg-Id = <commandId>:<i>}) from
     * {@code from} on. A command's events on one subject are contiguous (one publish or one atomic batch), so the scan
     * stops at the first other message after them.
     */
    List<Long> originalSequences(EntityRef entity, long from, CommandContext context) {
        return originalSequences(entity, from, Long.MAX_VALUE, context, new ArrayList<>());
    }

    /**
     * {@link #originalSequences(EntityRef, long, CommandContext)} among the sequences up to {@code upTo} only; while
     * none of the command's messages is found, every message read is added to {@code read} as an event (so a caller
     * that finds none has the tail it read; a message that is no event stops the adding: the list then ends short).
     */
    List<Long> originalSequences(
            EntityRef entity, long from, long upTo, CommandContext context, List<RecordedEvent> read) {
        String prefix = context.commandId() + ":";
        List<Long> found = new ArrayList<>();
        boolean[] complete = {true};
        scan(entity, from, upTo, (seq, storedAt, headers, event) -> {
            String id = headers == null ? null : headers.getFirst(NatsEventHeaders.MSG_ID);
            if (id != null && id.startsWith(prefix) && isIndex(id, prefix.length())) {
                found.add(seq);
                return true;
            }
            if (found.isEmpty() && complete[0]) {
                try {
                    read.add(event.get());
                } catch (RuntimeException e) {
                    complete[0] = false; // not an event: whoever reads this tail again reports it
                }
            }
            return found.isEmpty();
        });
        return found;
    }

    private static boolean isIndex(String id, int from) {
        if (from >= id.length()) {
            return false;
        }
        for (int i = from; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    ReadResult read(EntityRef entity, ReadRange range, Consumer<RecordedEvent> sink) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(sink, "sink");
        if (range.isEmpty()) {
            return new ReadResult(0, range.afterVersion());
        }
        long[] count = {0};
        long[] last = {range.afterVersion()};
        scan(entity, range.afterVersion() + 1, range.upToSequence(), (seq, storedAt, headers, event) -> {
            if (range.asOf().isPresent() && storedAt.isAfter(range.asOf().get())) {
                return false;
            }
            sink.accept(event.get());
            count[0]++;
            last[0] = seq;
            return true;
        });
        return new ReadResult(count[0], last[0]);
    }

    /** What a scan sees of one stored message; returns whether to continue. */
    @FunctionalInterface
    interface StoredMessageVisitor {
        boolean visit(long sequence, Instant storedAt, Headers headers, Supplier<RecordedEvent> event);
    }

    /**
     * Visits the entity's messages with sequences in {@code [from, upTo]}, in order, until the visitor stops – and
     * never stops short of the stream leader's state. The messages come from batch direct gets (fast, but answered by
     * any replica that is current or nearly so: possibly a lagging one) as long as they go; when the direct gets run
     * out (or after {@value NatsEventStore#DIRECT_READ_LIMIT} messages) the scan ends only at the subject's last sequence as the
     * leader reports it ({@code STREAM.MSG.GET}), and continues on an ephemeral consumer up to there if a replica
     * answered short. A replica holds a prefix of the stream, so a short answer is detected by its end alone.
     */
    void scan(EntityRef entity, long from, long upTo, StoredMessageVisitor visitor) {
        String subject = entity.subject(stream);
        // a scan that may run to the end of the subject needs the leader's end: ask while the first page comes
        CompletableFuture<Long> leaderLast = upTo == Long.MAX_VALUE ? versionAsync(entity) : null;
        Scan scan = new Scan(subject, from - 1, upTo, visitor);
        try {
            reader.scan(
                    subject,
                    from,
                    info -> scan.accept(
                                    info.getSeq(),
                                    info.getTime().toInstant(),
                                    info.getHeaders(),
                                    () -> NatsRecordedEvents.fromMessageInfo(name, entity, info))
                            && scan.count < DIRECT_READ_LIMIT);
        } catch (DirectBatchReader.Unanswered e) {
            // a replica that serves direct gets hangs (or they are not permitted): read on from the leader's side
            LOG.debug("{}; reading {} on from sequence {} without direct gets", e.getMessage(), subject, scan.last + 1);
        }
        if (scan.stopped) {
            return;
        }
        long end = Math.min(upTo, leaderLast != null ? join(entity, leaderLast) : version(entity));
        if (scan.last >= end) {
            return;
        }
        if (scan.count < DIRECT_READ_LIMIT) {
            LOG.debug(
                    "direct get of {} ended at sequence {}, the leader's last is {}: reading on from the stream",
                    subject,
                    scan.last,
                    end);
        }
        consumerReader.scan(
                subject,
                scan.last + 1,
                end,
                m -> scan.accept(
                        m.metaData().streamSequence(),
                        m.metaData().timestamp().toInstant(),
                        m.getHeaders(),
                        () -> NatsRecordedEvents.fromMessage(name, entity, m)));
    }

    /** The progress of one {@link #scan}: delivers messages in order and remembers where it stopped. */
    private static final class Scan {
        private final String subject;
        private final long upTo;
        private final StoredMessageVisitor visitor;
        long last;
        long count;
        boolean stopped;

        Scan(String subject, long last, long upTo, StoredMessageVisitor visitor) {
            this.subject = subject;
            this.last = last;
            this.upTo = upTo;
            this.visitor = visitor;
        }

        /** @return whether to continue */
        boolean accept(long seq, Instant storedAt, Headers headers, Supplier<RecordedEvent> event) {
            if (seq > upTo) {
                stopped = true;
                return false;
            }
            if (seq <= last) {
                throw new EventStoreException(
                        "read of '" + subject + "' returned sequence " + seq + " after " + last + ": out of order");
            }
            last = seq;
            count++;
            if (!visitor.visit(seq, storedAt, headers, event) || seq >= upTo) {
                stopped = true;
                return false;
            }
            return true;
        }
    }

    private long join(EntityRef entity, CompletableFuture<Long> version) {
        try {
            return version.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while reading the version of " + entity, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new EventStoreException("cannot read the version of " + entity + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EventStoreUnavailable(
                    "cannot read the version of " + entity + ": no answer within " + timeout, e);
        }
    }

    long version(EntityRef entity) {
        return join(entity, versionAsync(entity));
    }

    /**
     * The version as the stream leader knows it: one {@code $JS.API.STREAM.MSG.GET.<stream>} request for the subject's
     * last message ({@code last_by_subj}), which only the leader answers – unlike a direct get, which a lagging
     * replica may answer. Sent at once: the future completes on the connection's thread when the leader answers.
     */
    CompletableFuture<Long> versionAsync(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        byte[] request = ("{\"last_by_subj\":\"" + entity.subject(stream) + "\"}").getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Message> reply;
        try {
            reply = connection.requestWithTimeout(leaderGetSubject, request, timeout);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(
                    new EventStoreUnavailable("cannot read the version of " + entity + ": " + e.getMessage(), e));
        }
        return reply.handle((m, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new EventStoreUnavailable(
                        "cannot read the version of " + entity + ": " + cause.getMessage(), cause);
            }
            return lastSequence(entity, m);
        });
    }

    private long lastSequence(EntityRef entity, Message m) {
        if (m == null) {
            throw new EventStoreUnavailable("cannot read the version of " + entity + ": no answer", null);
        }
        if (m.isStatusMessage()) {
            throw statusFailure(entity, m.getStatus().getCode(), m.getStatus().getMessage());
        }
        // The answer is JSON: {"type":…,"message":{"subject":…,"seq":N,"hdrs":…,"data":…,"time":…}} or
        // {"type":…,"error":{"code":…,"err_code":N,"description":…}}. Only the numbers are needed: subjects are
        // validated tokens and hdrs/data base64, so neither can contain these keys – no JSON tree, no base64 decoding.
        return lastSequenceIn(
                entity, new String(m.getData() == null ? new byte[0] : m.getData(), StandardCharsets.UTF_8));
    }

    /**
     * The failure a status answer (headers only, no JSON) to a version read means: {@link EventStoreUnavailable} when
     * its code is transient by {@link JetStreamErrors#isTransientStatus} (a 503 no responders, a 408 timeout: nothing
     * is known), a definite {@link EventStoreException} otherwise.
     */
    static EventStoreException statusFailure(EntityRef entity, int code, String text) {
        if (JetStreamErrors.isTransientStatus(code)) {
            return new EventStoreUnavailable(
                    "cannot read the version of " + entity + ": " + text + " (" + code + ")", null);
        }
        return new EventStoreException("cannot read the version of " + entity + ": " + text + " (status " + code + ")");
    }

    /** The subject's last sequence in the stream leader's JSON answer; a transient refusal is {@link EventStoreUnavailable}. */
    static long lastSequenceIn(EntityRef entity, String answer) {
        Matcher error = LEADER_ERROR_CODE.matcher(answer);
        if (error.find()) {
            if (Integer.parseInt(error.group(1)) == JetStreamErrors.NO_MESSAGE_FOUND) {
                return 0; // no message on the subject: a new entity
            }
            Matcher status = LEADER_ERROR_STATUS.matcher(answer);
            if (status.find() && JetStreamErrors.isTransientStatus(Integer.parseInt(status.group(1)))) {
                // e.g. 503 "JetStream system temporarily unavailable" during a leader change: nothing is known
                throw new EventStoreUnavailable(
                        "cannot read the version of " + entity + ": the stream leader answered "
                                + answer.substring(0, Math.min(answer.length(), 200)),
                        null);
            }
            throw new EventStoreException("cannot read the version of " + entity + ": the stream leader answered "
                    + answer.substring(0, Math.min(answer.length(), 200)));
        }
        Matcher sequence = LEADER_SEQUENCE.matcher(answer);
        if (!sequence.find()) {
            throw new EventStoreException("cannot read the version of " + entity
                    + ": the stream leader's answer has no sequence: "
                    + answer.substring(0, Math.min(answer.length(), 200)));
        }
        return Long.parseLong(sequence.group(1));
    }
}
