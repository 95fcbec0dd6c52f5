package dev.verdict.testing.history;

import dev.verdict.store.capture.CapturedKeyValue;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a captured history into a nats-server, as the capturing release had stored it: each captured stream is
 * created with its captured configuration, each message is published on its subject with its headers, in stream order,
 * and each KV entry is put into its bucket. Then an application of today can be started on it.
 *
 * <pre>{@code
 * HistoryReplay.of(HistoryCapture.read(file)).into(connection);
 * }</pre>
 *
 * <p>Guarantees: the replayed stream has the captured messages on the captured sequences (the capture must hold a
 * contiguous run of the stream from its first message; anything else fails before publishing), subjects, headers and
 * payloads and headers – an atomic batch is replayed as an atomic batch, with its captured batch id; what the server
 * assigns differs – the stored time of each message (the capture keeps the original one) and the stream's identity
 * (its creation time), so snapshots and command-index entries carrying the old identity are treated by the runtime as
 * made from another stream. Exceptions: a capture that starts after sequence 1 is replayed without its {@code
 * Nats-Expected-*} headers (they name messages it does not hold), and a batch the capture holds only a part of
 * without its {@code Nats-Batch-*} headers. The streams must not exist yet.
 */
public final class HistoryReplay {
    private final HistoryCapture capture;

    private HistoryReplay(HistoryCapture capture) {
        this.capture = Objects.requireNonNull(capture, "capture");
    }

    /** A replay of {@code capture}. */
    public static HistoryReplay of(HistoryCapture capture) {
        return new HistoryReplay(capture);
    }

    /**
     * Creates the streams and writes the messages and entries on {@code connection} (which stays open).
     *
     * @throws IllegalStateException when the capture's messages are not a contiguous run of the stream, or the server
     *     stores a message on another sequence than the captured one
     */
    public void into(Connection connection) throws IOException, JetStreamApiException {
        List<CapturedMessage> messages = capture.messages();
        for (int i = 1; i < messages.size(); i++) {
            if (messages.get(i).sequence() != messages.get(i - 1).sequence() + 1) {
                throw new IllegalStateException(
                        "the capture skips sequences " + (messages.get(i - 1).sequence() + 1) + ".."
                                + (messages.get(i).sequence() - 1) + ": a replay cannot keep its sequences");
            }
        }
        JetStreamManagement jsm = connection.jetStreamManagement();
        for (Map.Entry<String, String> e : capture.header().streamConfigs().entrySet()) {
            StreamConfiguration config = StreamConfiguration.instance(e.getValue());
            if (e.getKey().equals(capture.header().stream()) && !messages.isEmpty()) {
                config = StreamConfiguration.builder(config)
                        .firstSequence(messages.get(0).sequence())
                        .build();
            }
            jsm.addStream(config);
        }
        // the expectations of a capture from sequence 1 hold again on replay; a later start lacks what they name
        boolean fromTheStart = messages.isEmpty() || messages.get(0).sequence() == 1;
        JetStream js = connection.jetStream();
        int i = 0;
        while (i < messages.size()) {
            List<CapturedMessage> batch = batchAt(messages, i);
            if (batch.size() > 1 || batch.get(0).header(BATCH_COMMIT).isPresent()) {
                publishBatch(connection, batch, fromTheStart);
            } else {
                CapturedMessage m = batch.get(0);
                PublishAck ack = js.publish(message(m, fromTheStart, false));
                check(m, ack.getSeqno(), ack.isDuplicate());
            }
            i += batch.size();
        }
        for (CapturedKeyValue kv : capture.keyValues()) {
            connection.keyValue(kv.bucket()).put(kv.key(), kv.value());
        }
    }

    private static final String BATCH_ID = "Nats-Batch-Id";
    private static final String BATCH_SEQUENCE = "Nats-Batch-Sequence";
    private static final String BATCH_COMMIT = "Nats-Batch-Commit";

    /**
     * The whole atomic batch that starts at {@code i} (its messages numbered 1..n, the last with the commit header),
     * else the single message at {@code i} – also a message of a batch the capture holds only a part of.
     */
    private static List<CapturedMessage> batchAt(List<CapturedMessage> messages, int i) {
        CapturedMessage first = messages.get(i);
        Optional<String> id = first.header(BATCH_ID);
        if (id.isEmpty() || !first.header(BATCH_SEQUENCE).equals(Optional.of("1"))) {
            return List.of(first);
        }
        for (int j = i; j < messages.size(); j++) {
            CapturedMessage m = messages.get(j);
            if (!m.header(BATCH_ID).equals(id)
                    || !m.header(BATCH_SEQUENCE).equals(Optional.of(Integer.toString(j - i + 1)))) {
                return List.of(first);
            }
            if (m.header(BATCH_COMMIT).isPresent()) {
                return messages.subList(i, j + 1);
            }
        }
        return List.of(first);
    }

    /** Publishes a whole batch as the writer did: the first message a request, the middle ones plain, the commit. */
    private static void publishBatch(Connection connection, List<CapturedMessage> batch, boolean fromTheStart)
            throws IOException, JetStreamApiException {
        try {
            Duration timeout = Duration.ofSeconds(10);
            if (batch.size() > 1) {
                Message answer = connection.request(message(batch.get(0), fromTheStart, true), timeout);
                if (answer != null && answer.getData() != null && answer.getData().length > 0) {
                    new PublishAck(answer); // throws the server's error
                }
                for (CapturedMessage m : batch.subList(1, batch.size() - 1)) {
                    connection.publish(message(m, fromTheStart, true));
                }
            }
            CapturedMessage last = batch.get(batch.size() - 1);
            Message answer = connection.request(message(last, fromTheStart, true), timeout);
            if (answer == null) {
                throw new IOException("no answer to the commit of the batch ending at " + last.sequence());
            }
            PublishAck ack = new PublishAck(answer);
            check(last, ack.getSeqno(), ack.isDuplicate());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while replaying", e);
        }
    }

    /** The captured message to publish: every header, except expectations that cannot hold and a partial batch's. */
    private static Message message(CapturedMessage m, boolean withExpectations, boolean inBatch) {
        Headers h = new Headers();
        m.headers().forEach((name, values) -> {
            boolean expectation = name.startsWith("Nats-Expected-");
            boolean batch = name.startsWith("Nats-Batch-");
            if ((!expectation || withExpectations) && (!batch || inBatch)) {
                h.put(name, values);
            }
        });
        return NatsMessage.builder()
                .subject(m.subject())
                .headers(h)
                .data(m.payload())
                .build();
    }

    private static void check(CapturedMessage m, long sequence, boolean duplicate) {
        if (duplicate || sequence != m.sequence()) {
            throw new IllegalStateException("captured message " + m.sequence() + " on " + m.subject()
                    + " was stored on sequence " + sequence + (duplicate ? " (duplicate)" : ""));
        }
    }
}
