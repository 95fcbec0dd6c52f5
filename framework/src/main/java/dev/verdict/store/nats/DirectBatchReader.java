package dev.verdict.store.nats;

import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.MessageInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Reads one subject of a stream in order with batch direct gets (server 2.11+): one request
 * {@code {"seq":S,"next_by_subj":subject,"batch":N}} to {@code $JS.API.DIRECT.GET.<stream>} is answered by up to N
 * messages and an end-of-batch status; the next page starts after the last sequence received. No consumer is
 * created, so nothing is left behind on the server.
 *
 * <p>Direct gets are answered by any replica that serves them; one that hangs (a stalled process) would stall the
 * read for the whole request timeout. A page without an answer within the page timeout ends the scan with {@link
 * Unanswered}, so the caller can read on another way (from the leader) instead of waiting.
 */
final class DirectBatchReader {
    /** No answer within the page timeout: the messages visited so far are valid, the rest must be read elsewhere. */
    static final class Unanswered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unanswered(String message) {
            super(message, null, false, false);
        }
    }

    private final Connection connection;
    private final String stream;
    private final String apiSubject;
    private final Duration timeout;
    private final int pageSize;

    /** @param timeout how long to wait for each answer of a page before giving up with {@link Unanswered} */
    DirectBatchReader(Connection connection, String stream, Duration timeout, int pageSize) {
        this.connection = connection;
        this.stream = stream;
        this.apiSubject = "$JS.API.DIRECT.GET." + stream;
        this.timeout = timeout;
        this.pageSize = pageSize;
    }

    /**
     * Visits the subject's messages with sequence {@code >= fromSequence} in order until the visitor returns
     * {@code false} or there are no more.
     *
     * @return {@code true} when the subject had no more messages (the server said so), {@code false} when the
     *     visitor stopped the scan
     */
    boolean scan(String subject, long fromSequence, Predicate<MessageInfo> visitor) {
        Subscription sub;
        String inbox = connection.createInbox();
        try {
            sub = connection.subscribe(inbox);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot read '" + subject + "': " + e.getMessage(), e);
        }
        try {
            long next = fromSequence;
            while (true) {
                byte[] request = ("{\"seq\":" + next + ",\"next_by_subj\":\"" + subject + "\",\"batch\":" + pageSize
                                + "}")
                        .getBytes(StandardCharsets.US_ASCII);
                connection.publish(apiSubject, inbox, request);
                int received = 0;
                long pending = 0;
                while (true) {
                    Message m = sub.nextMessage(timeout);
                    if (m == null) {
                        throw new Unanswered("no answer within " + timeout + " to a direct get of '" + subject
                                + "' from sequence " + next + " on stream '" + stream + "'");
                    }
                    if (m.isStatusMessage()) {
                        if (m.getStatus().isEob()) {
                            break;
                        }
                        if (m.getStatus().getCode() == 404) {
                            return true; // no (more) messages on the subject
                        }
                        if (m.getStatus().getCode() == 503) {
                            throw new EventStoreUnavailable(
                                    "no responders for direct get on stream '" + stream + "'", null);
                        }
                        throw new EventStoreException(
                                "direct get of '" + subject + "' on stream '" + stream + "' failed: " + m.getStatus());
                    }
                    MessageInfo info = new MessageInfo(m, stream, true);
                    received++;
                    next = info.getSeq() + 1;
                    pending = info.getNumPending();
                    if (!visitor.test(info)) {
                        return false;
                    }
                }
                if (received == 0 || (received < pageSize && pending <= 0)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while reading '" + subject + "'", e);
        } catch (IllegalStateException e) {
            throw new EventStoreUnavailable("cannot read '" + subject + "': " + e.getMessage(), e);
        } finally {
            try {
                sub.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection is closing; the subscription goes with it
            }
        }
    }
}
