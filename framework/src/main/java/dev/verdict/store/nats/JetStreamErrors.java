package dev.verdict.store.nats;

/**
 * The JetStream API error codes ({@code err_code}) the store reacts to, in one place. The numbers are nats-server's
 * ({@code server/errors.json}); a description may change between releases, a code does not.
 */
final class JetStreamErrors {
    /** {@code JSStreamNotFoundErr}: no such stream (also: no such KV bucket). */
    static final int STREAM_NOT_FOUND = 10059;
    /** {@code JSStreamNameExistErr}: a stream of that name exists with another configuration. */
    static final int STREAM_NAME_IN_USE = 10058;
    /** {@code JSNoMessageFoundErr}: a message get found nothing (for {@code last_by_subj}: the subject is empty). */
    static final int NO_MESSAGE_FOUND = 10037;
    /** {@code JSStreamWrongLastSequenceErr}: an expected-last-sequence check failed ("wrong last sequence: N"). */
    static final int WRONG_LAST_SEQUENCE = 10071;
    /** {@code JSStreamWrongLastSequenceConstantErr}: the same check failing on a clustered stream (2.11+). */
    static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;
    /** {@code JSAtomicPublishContainsDuplicateMessageErr}: a batch carries a message id the stream has seen. */
    static final int BATCH_DUPLICATE = 10201;

    private JetStreamErrors() {}

    /**
     * Whether jnats raised the exception for an answer it could not read (no JSON, no {@code err_code}) rather than for
     * a refusal of the server: every refusal of nats-server carries a positive {@code err_code}. Such an answer says
     * nothing about what was stored, so the outcome of the publish is unknown.
     */
    static boolean isUnreadableAnswer(io.nats.client.JetStreamApiException e) {
        return e.getApiErrorCode() <= 0;
    }

    /**
     * Whether an API error's HTTP-like {@code code} (not its {@code err_code}) – or the code of a status answer, which
     * has headers only – says the server could not answer now – 503 "JetStream system temporarily unavailable" (no
     * leader, a leader change; as a status: no responders), 408 a timeout, 500 an internal failure – rather than
     * refusing the request: the caller knows nothing and may try again. The one place that tells these codes apart.
     */
    static boolean isTransientStatus(int code) {
        return code == 503 || code == 408 || code == 500;
    }

    /** Whether the code means "the subject's last sequence is not the expected one" (a concurrency conflict). */
    static boolean isWrongLastSequence(int code) {
        return code == WRONG_LAST_SEQUENCE || code == WRONG_LAST_SEQUENCE_CLUSTERED;
    }
}
