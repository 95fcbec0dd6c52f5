package dev.verdict.store.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Compare-and-set on a NATS KV bucket, with the answer typed: {@link Written} (with the entry's new revision) or
 * {@link Conflict} (the key is not where the caller expected it: it exists, or it moved on). Every other failure –
 * the server unreachable, a timeout, no such bucket – is thrown as it is, so "someone else wrote first" is never
 * confused with "the write may not have happened".
 *
 * <p>A conflict is what JetStream answers to an expected-last-sequence check that fails: error {@value
 * #WRONG_LAST_SEQUENCE} ("wrong last sequence"), and {@value #WRONG_LAST_SEQUENCE_CLUSTERED}, the same check as a
 * replicated stream reports it since nats-server 2.11. Both mean the same here.
 *
 * <pre>{@code
 * KeyValue kv = connection.keyValue("leases");
 * KvCompareAndSet.Result claim = KvCompareAndSet.create(kv, "job-42", owner);
 * if (claim instanceof KvCompareAndSet.Written w) {
 *     run(w.revision());        // this instance holds it; update(kv, "job-42", done, w.revision()) later
 * } else {
 *     waitForTheOther();        // another instance created it first
 * }
 * }</pre>
 */
public final class KvCompareAndSet {
    /** JetStream's {@code JSStreamWrongLastSequenceErr}. */
    public static final int WRONG_LAST_SEQUENCE = JetStreamErrors.WRONG_LAST_SEQUENCE;

    /** JetStream's {@code JSStreamWrongLastSequenceConstantErr} (a replicated stream, nats-server 2.11+). */
    public static final int WRONG_LAST_SEQUENCE_CLUSTERED = JetStreamErrors.WRONG_LAST_SEQUENCE_CLUSTERED;

    private KvCompareAndSet() {}

    /** The outcome of a compare-and-set: {@link Written} or {@link Conflict}. */
    public sealed interface Result permits Written, Conflict {
        /** Whether the value was written. */
        default boolean written() {
            return this instanceof Written;
        }
    }

    /**
     * The value was written.
     *
     * @param revision the entry's new revision: the one to expect in the next {@link #update}
     */
    public record Written(long revision) implements Result {}

    /** Nothing was written: the key exists ({@link #create}) or is no longer at the expected revision. */
    public record Conflict() implements Result {}

    /**
     * Writes the value only if the key has no value: never written, deleted or purged (a delete marker is replaced
     * with a compare-and-set on its revision, so a concurrent create still conflicts).
     *
     * @return {@link Written} with the revision, or {@link Conflict} when the key holds a value
     * @throws IOException when the server cannot be reached or does not answer in time
     * @throws JetStreamApiException for any other refusal (no such bucket, a value too large, ...)
     */
    public static Result create(KeyValue kv, String key, byte[] value) throws IOException, JetStreamApiException {
        Objects.requireNonNull(kv, "kv");
        try {
            return new Written(kv.update(key, value, 0));
        } catch (JetStreamApiException e) {
            if (!isConflict(e)) {
                throw e;
            }
        }
        if (kv.get(key) != null) {
            return new Conflict(); // a value (get answers only values)
        }
        // no value, yet the subject has a message: a delete or purge marker – write over it at its revision
        List<KeyValueEntry> history;
        try {
            history = kv.history(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the history of '" + key + "'", e);
        }
        if (history.isEmpty()) {
            return new Conflict(); // expired meanwhile: the caller looks again
        }
        KeyValueEntry last = history.get(history.size() - 1);
        return last.getOperation() == KeyValueOperation.PUT
                ? new Conflict()
                : update(kv, key, value, last.getRevision());
    }

    /**
     * Writes the value only if the key's last revision is {@code expectedRevision} (0: only if it was never written).
     *
     * @return {@link Written} with the new revision, or {@link Conflict} when the key moved on
     * @throws IOException when the server cannot be reached or does not answer in time
     * @throws JetStreamApiException for any other refusal
     */
    public static Result update(KeyValue kv, String key, byte[] value, long expectedRevision)
            throws IOException, JetStreamApiException {
        Objects.requireNonNull(kv, "kv");
        try {
            return new Written(kv.update(key, value, expectedRevision));
        } catch (JetStreamApiException e) {
            if (isConflict(e)) {
                return new Conflict();
            }
            throw e;
        }
    }

    /** Whether JetStream refused a write because an expected last sequence (a KV revision) did not match. */
    public static boolean isConflict(JetStreamApiException e) {
        return JetStreamErrors.isWrongLastSequence(e.getApiErrorCode());
    }
}
