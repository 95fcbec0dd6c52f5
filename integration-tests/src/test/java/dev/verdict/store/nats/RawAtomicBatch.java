package dev.verdict.store.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An ADR-50 atomic batch published with raw jnats (which has only the header names): the first message is a request
 * ({@code Nats-Batch-Sequence: 1}), the middle ones plain publishes, the last a request with {@code
 * Nats-Batch-Commit: 1} – the way {@code NatsEventStore} publishes a batch. Each message may carry its own
 * expectation headers. The outcome records where the server answered an error: on the first message or at the
 * commit.
 */
final class RawAtomicBatch {
    static final String EXPECTED_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence";
    static final String EXPECTED_SUBJECT_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
    static final String EXPECTED_LAST_SEQ = "Nats-Expected-Last-Sequence";
    static final String MSG_ID = "Nats-Msg-Id";

    private final List<Message> messages = new ArrayList<>();
    private final String batchId = UUID.randomUUID().toString();

    /** A message to {@code subject}; {@code headers} are name/value pairs. */
    RawAtomicBatch add(String subject, String... headers) {
        Headers h = new Headers();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        messages.add(NatsMessage.builder()
                .subject(subject)
                .headers(h)
                .data(("event " + (messages.size() + 1)).getBytes(StandardCharsets.UTF_8))
                .build());
        return this;
    }

    /** Sends the batch and waits for the server's answer. */
    Outcome publish(Connection nc) throws IOException, InterruptedException {
        int n = messages.size();
        for (int i = 0; i < n; i++) {
            Headers h = messages.get(i).getHeaders();
            h.put("Nats-Batch-Id", batchId);
            h.put("Nats-Batch-Sequence", Integer.toString(i + 1));
            if (i == n - 1) {
                h.put("Nats-Batch-Commit", "1");
            }
        }
        Message firstAnswer = nc.request(messages.get(0), Duration.ofSeconds(5));
        if (firstAnswer.getData() != null && firstAnswer.getData().length > 0) {
            try {
                new PublishAck(firstAnswer);
            } catch (JetStreamApiException e) {
                return new Outcome(Optional.empty(), Optional.of(e), "first message");
            }
        }
        for (int i = 1; i < n - 1; i++) {
            nc.publish(messages.get(i));
        }
        Message commitAnswer = nc.request(messages.get(n - 1), Duration.ofSeconds(5));
        try {
            return new Outcome(Optional.of(new PublishAck(commitAnswer)), Optional.empty(), "commit");
        } catch (JetStreamApiException e) {
            return new Outcome(Optional.empty(), Optional.of(e), "commit");
        }
    }

    /**
     * What the server answered.
     *
     * @param ack the acknowledgement of the commit, when the batch was stored
     * @param error the error, when it was not
     * @param stage {@code first message} or {@code commit}: which answer carried the outcome
     */
    record Outcome(Optional<PublishAck> ack, Optional<JetStreamApiException> error, String stage) {
        int errorCode() {
            return error.map(JetStreamApiException::getApiErrorCode).orElse(0);
        }

        String description() {
            return error.map(JetStreamApiException::getErrorDescription).orElse("");
        }

        @Override
        public String toString() {
            return error.map(e -> "error " + e.getApiErrorCode() + " '" + e.getErrorDescription() + "' at " + stage)
                    .orElseGet(() -> "stored " + ack.orElseThrow().getBatchSize() + " messages up to sequence "
                            + ack.orElseThrow().getSeqno());
        }
    }
}
