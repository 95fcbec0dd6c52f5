package dev.verdict.testing.history;

import dev.verdict.store.capture.CapturedKeyValue;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * payloads; what the server assigns differs – the stored time of each message (the capture keeps the original one)
 * and the stream's identity (its creation time), so snapshots and command-index entries carrying the old identity
 * are treated by the runtime as made from another stream. Headers that are instructions to the server rather than
 * stored data ({@code Nats-Expected-*}, {@code Nats-Batch-*}) are not re-sent. The streams must not exist yet.
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
        JetStream js = connection.jetStream();
        for (CapturedMessage m : messages) {
            Headers h = new Headers();
            m.headers().forEach((name, values) -> {
                if (!name.startsWith("Nats-Expected-") && !name.startsWith("Nats-Batch-")) {
                    h.put(name, values);
                }
            });
            PublishAck ack = js.publish(NatsMessage.builder()
                    .subject(m.subject())
                    .headers(h)
                    .data(m.payload())
                    .build());
            if (ack.isDuplicate() || ack.getSeqno() != m.sequence()) {
                throw new IllegalStateException("captured message " + m.sequence() + " on " + m.subject()
                        + " was stored on sequence " + ack.getSeqno() + (ack.isDuplicate() ? " (duplicate)" : ""));
            }
        }
        for (CapturedKeyValue kv : capture.keyValues()) {
            connection.keyValue(kv.bucket()).put(kv.key(), kv.value());
        }
    }
}
