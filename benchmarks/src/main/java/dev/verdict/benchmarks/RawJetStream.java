package dev.verdict.benchmarks;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.PublishOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The baseline: what an application gets from jnats alone against the same server, written the way a careful user
 * would write it, with nothing Verdict adds (no codec, no headers beyond the two the comparison needs, no cache).
 *
 * <ul>
 *   <li>publish with {@code Nats-Expected-Last-Subject-Sequence} and {@code Nats-Msg-Id} (sync and async);
 *   <li>an atomic batch (ADR-50) on jnats core: first message as a request with {@code Nats-Batch-Id} and
 *       {@code Nats-Batch-Sequence: 1} (and the expectation), middle messages as plain publishes, the last with
 *       {@code Nats-Batch-Commit: 1} as a request answered by the PubAck;
 *   <li>reading a subject with an ordered consumer, stopping at the message whose pending count is 0.
 * </ul>
 *
 * <pre>{@code
 * RawJetStream raw = RawJetStream.provision(nc, "raw", verdictStreamConfig);
 * long seq = raw.publish("raw.rx.1", payload, 0, "cmd-1:0");
 * }</pre>
 */
final class RawJetStream {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final String stream;
    private final StreamContext streamContext;

    private RawJetStream(Connection connection, String stream) throws IOException, JetStreamApiException {
        this.connection = connection;
        this.js = connection.jetStream();
        this.jsm = connection.jetStreamManagement();
        this.stream = stream;
        this.streamContext = connection.getStreamContext(stream);
    }

    /**
     * Creates the stream {@code name} on subjects {@code name.>}: file storage, R1, atomic publish allowed, direct
     * get, deny delete/purge – the settings an event store uses. With a template (Verdict's own stream), its limits
     * and duplicate window are copied so both sides pay for the same server work.
     */
    static RawJetStream provision(Connection nc, String name, StreamConfiguration template)
            throws IOException, JetStreamApiException {
        StreamConfiguration.Builder b = template == null
                ? StreamConfiguration.builder()
                        .storageType(StorageType.File)
                        .replicas(1)
                        .allowDirect(true)
                        .allowAtomicPublish(true)
                        .denyDelete(true)
                        .denyPurge(true)
                : StreamConfiguration.builder(template).replicas(1).storageType(StorageType.File);
        StreamConfiguration config = b.name(name).subjects(name + ".>").build();
        nc.jetStreamManagement().addStream(config);
        StreamConfiguration back = nc.jetStreamManagement().getStreamInfo(name).getConfiguration();
        if (!back.getAllowAtomicPublish()) {
            throw new IllegalStateException("the server dropped allow_atomic on stream " + name);
        }
        return new RawJetStream(nc, name);
    }

    /** Raw access to an existing stream (e.g. Verdict's), without provisioning anything. */
    static RawJetStream attach(Connection nc, String stream) throws IOException, JetStreamApiException {
        return new RawJetStream(nc, stream);
    }

    String stream() {
        return stream;
    }

    /** Synchronous publish with the per-subject expectation and a message id; returns the stream sequence. */
    long publish(String subject, byte[] payload, long expectedLastSubjectSequence, String messageId)
            throws IOException, JetStreamApiException {
        PublishAck ack = js.publish(subject, payload, occ(expectedLastSubjectSequence, messageId));
        return ack.getSeqno();
    }

    CompletableFuture<PublishAck> publishAsync(
            String subject, byte[] payload, long expectedLastSubjectSequence, String messageId) {
        return js.publishAsync(subject, payload, occ(expectedLastSubjectSequence, messageId));
    }

    /**
     * Synchronous publish of a message carrying the given headers (e.g. the same header set Verdict writes) plus the
     * expectation and message id: separates what header bytes cost from what the framework's code costs.
     */
    long publish(String subject, Headers headers, byte[] payload, long expectedLastSubjectSequence, String messageId)
            throws IOException, JetStreamApiException {
        PublishAck ack = js.publish(subject, headers, payload, occ(expectedLastSubjectSequence, messageId));
        return ack.getSeqno();
    }

    private static PublishOptions occ(long expected, String messageId) {
        return PublishOptions.builder()
                .expectedLastSubjectSequence(expected)
                .messageId(messageId)
                .build();
    }

    /**
     * Appends the payloads to one subject atomically (ADR-50), if the subject's last sequence is still {@code
     * expected}. Each message gets {@code Nats-Msg-Id = <commandId>:<index>}.
     *
     * @return the stream sequence of the last message
     * @throws JetStreamApiException when the server refuses the batch (10071 for a stale expectation)
     */
    long publishAtomicBatch(String subject, List<byte[]> payloads, long expected, String batchId, String commandId)
            throws IOException, JetStreamApiException, InterruptedException {
        return publishAtomicBatch(subject, payloads, expected, batchId, commandId, true);
    }

    /**
     * An ADR-50 atomic batch of one message per subject (several entities), each message guarded by its subject's
     * expected last sequence (the guard on the first message of each subject), the first sent as a request, the last
     * with the commit. Returns the sequence of the last message (the others precede it contiguously).
     */
    long publishAtomicBatchAcross(List<String> subjects, List<byte[]> payloads, long[] expected, String batchId)
            throws IOException, JetStreamApiException, InterruptedException {
        int n = subjects.size();
        for (int i = 0; i < n; i++) {
            Headers h = batchAcrossHeaders(n, i, expected, batchId);
            if (i == n - 1) {
                Message reply = connection.request(subjects.get(i), h, payloads.get(i), TIMEOUT);
                if (reply == null) {
                    throw new IOException("no answer to the commit of batch " + batchId);
                }
                PublishAck ack = new PublishAck(reply);
                if (ack.getBatchSize() != n) {
                    throw new IllegalStateException(
                            "batch " + batchId + " committed " + ack.getBatchSize() + " messages, sent " + n);
                }
                return ack.getSeqno();
            }
            if (i == 0) {
                Message reply = connection.request(subjects.get(i), h, payloads.get(i), TIMEOUT);
                if (reply == null) {
                    throw new IOException("no answer to the first message of batch " + batchId);
                }
                if (reply.getData() != null && reply.getData().length > 0) {
                    new PublishAck(reply); // throws the server's error; an empty answer means "staged"
                }
            } else {
                connection.publish(subjects.get(i), h, payloads.get(i));
            }
        }
        throw new IllegalArgumentException("a batch needs at least one message");
    }

    /** The headers of message {@code i} of {@code n} of a batch across subjects (the last one commits). */
    private static Headers batchAcrossHeaders(int n, int i, long[] expected, String batchId) {
        Headers h = new Headers();
        h.put(NatsJetStreamConstants.NATS_BATCH_ID_HDR, batchId);
        h.put(NatsJetStreamConstants.NATS_BATCH_SEQUENCE_HDR, Integer.toString(i + 1));
        h.put(NatsJetStreamConstants.MSG_ID_HDR, batchId + ":" + i);
        h.put(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(expected[i]));
        if (i == n - 1) {
            h.put(NatsJetStreamConstants.NATS_BATCH_COMMIT_HDR, "1");
        }
        return h;
    }

    /**
     * {@link #publishAtomicBatchAcross} without waiting: the first message as an asynchronous request, the rest sent
     * when it is answered, the commit's PubAck completing the future with the last sequence (on the NATS thread).
     */
    CompletableFuture<Long> publishAtomicBatchAcrossAsync(
            List<String> subjects, List<byte[]> payloads, long[] expected, String batchId) {
        int n = subjects.size();
        Headers[] headers = new Headers[n];
        for (int i = 0; i < n; i++) {
            headers[i] = batchAcrossHeaders(n, i, expected, batchId);
        }
        return connection
                .requestWithTimeout(subjects.get(0), headers[0], payloads.get(0), TIMEOUT)
                .thenCompose(first -> {
                    if (first.getData() != null && first.getData().length > 0) {
                        try {
                            new PublishAck(first); // throws the server's error; an empty answer means "staged"
                        } catch (IOException | JetStreamApiException e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }
                    for (int i = 1; i < n - 1; i++) {
                        connection.publish(subjects.get(i), headers[i], payloads.get(i));
                    }
                    return connection.requestWithTimeout(
                            subjects.get(n - 1), headers[n - 1], payloads.get(n - 1), TIMEOUT);
                })
                .thenApply(commit -> {
                    try {
                        PublishAck ack = new PublishAck(commit);
                        if (ack.getBatchSize() != n) {
                            throw new IllegalStateException(
                                    "batch " + batchId + " committed " + ack.getBatchSize() + " messages, sent " + n);
                        }
                        return ack.getSeqno();
                    } catch (IOException | JetStreamApiException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
    }

    /**
     * Like {@link #publishAtomicBatch(String, List, long, String, String)}; with {@code firstAsRequest = false} the
     * first message is a plain publish too (allowed by ADR-50: one round trip less, but a refused batch start is only
     * reported at the commit).
     */
    long publishAtomicBatch(
            String subject,
            List<byte[]> payloads,
            long expected,
            String batchId,
            String commandId,
            boolean firstAsRequest)
            throws IOException, JetStreamApiException, InterruptedException {
        int n = payloads.size();
        for (int i = 0; i < n; i++) {
            Headers h = new Headers();
            h.put(NatsJetStreamConstants.NATS_BATCH_ID_HDR, batchId);
            h.put(NatsJetStreamConstants.NATS_BATCH_SEQUENCE_HDR, Integer.toString(i + 1));
            h.put(NatsJetStreamConstants.MSG_ID_HDR, commandId + ":" + i);
            if (i == 0) {
                h.put(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(expected));
            }
            if (i == n - 1) {
                h.put(NatsJetStreamConstants.NATS_BATCH_COMMIT_HDR, "1");
                Message reply = connection.request(subject, h, payloads.get(i), TIMEOUT);
                if (reply == null) {
                    throw new IOException("no answer to the commit of batch " + batchId);
                }
                PublishAck ack = new PublishAck(reply);
                if (ack.getBatchSize() != n) {
                    throw new IllegalStateException(
                            "batch " + batchId + " committed " + ack.getBatchSize() + " messages, sent " + n);
                }
                return ack.getSeqno();
            }
            if (i == 0 && firstAsRequest) {
                Message reply = connection.request(subject, h, payloads.get(i), TIMEOUT);
                if (reply == null) {
                    throw new IOException("no answer to the first message of batch " + batchId);
                }
                if (reply.getData() != null && reply.getData().length > 0) {
                    new PublishAck(reply); // throws the server's error; an empty answer means "staged"
                }
            } else {
                connection.publish(subject, h, payloads.get(i));
            }
        }
        throw new IllegalArgumentException("a batch needs at least one message");
    }

    /**
     * Reads every message on the filter subject after {@code afterSequence}, in order, with an ordered consumer,
     * and stops at the message the server reports as the last one pending (no timeout, no extra round trip).
     *
     * @return the number of messages read
     */
    long read(String filterSubject, long afterSequence, Consumer<Message> sink) throws Exception {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration().filterSubject(filterSubject);
        if (afterSequence > 0) {
            config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(afterSequence + 1);
        }
        OrderedConsumerContext consumer = streamContext.createOrderedConsumer(config);
        long count = 0;
        try (IterableConsumer it = consumer.iterate()) {
            while (true) {
                Message m = it.nextMessage(TIMEOUT);
                if (m == null) {
                    throw new BenchmarkFailed(
                            "ordered consumer on " + filterSubject + " stalled after " + count + " messages", null);
                }
                sink.accept(m);
                count++;
                if (m.metaData().pendingCount() == 0) {
                    break;
                }
            }
            it.stop();
        }
        return count;
    }

    /** The subject's last sequence (0 when empty), one direct-get round trip. */
    long lastSequence(String subject) throws IOException, JetStreamApiException {
        try {
            return jsm.getLastMessage(stream, subject).getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10037) {
                return 0;
            }
            throw e;
        }
    }

    JetStreamManagement management() {
        return jsm;
    }
}
