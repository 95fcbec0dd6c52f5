package dev.verdict.store.nats;

import io.nats.client.api.PublishAck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a plain JetStream publish acknowledgement – {@code {"stream":"s","seq":42}}, possibly with {@code "domain"}
 * and {@code "duplicate"} – in one pass over its bytes, without a JSON tree; anything else (an error, a batch's
 * acknowledgement, any other key, an escape in a string, whitespace, a number out of range) is left to jnats' {@code
 * PublishAck}, which reports it.
 *
 * <p>Why: parsing each acknowledgement into jnats' JSON map was about a tenth of the store's CPU per warm append (see
 * docs/benchmarks.md, "Where the time goes").
 */
final class PublishAcks {
    /** What {@link #read} returns when the answer is not a plain acknowledgement. */
    static final long NOT_PLAIN = -1;

    /** The bit {@link #read} sets on its result when the acknowledgement says {@code "duplicate":true}. */
    static final long DUPLICATE = Long.MIN_VALUE;

    private PublishAcks() {}

    /**
     * The sequences of an atomic batch of {@code sent} messages from its commit's acknowledgement: contiguous, ending
     * at the acknowledged one. When the server acknowledged a batch of another size it stored something, but not what
     * was sent as one batch – what exactly is unknown: then {@code unknownOutcome} makes the exception thrown from a
     * sentence saying so.
     */
    static List<Long> batchSequences(PublishAck ack, int sent, Function<String, RuntimeException> unknownOutcome) {
        if (ack.getBatchSize() != sent) {
            throw unknownOutcome.apply("the server acknowledged a batch of " + ack.getBatchSize() + " messages but "
                    + sent + " were sent (is the stream's allow_atomic set?)");
        }
        List<Long> sequences = new ArrayList<>(sent);
        for (long s = ack.getSeqno() - sent + 1; s <= ack.getSeqno(); s++) {
            sequences.add(s);
        }
        return sequences;
    }

    /**
     * The stream sequence of a plain acknowledgement, with {@link #DUPLICATE} set when it is a duplicate; else {@link
     * #NOT_PLAIN}. The object must have exactly the keys {@code stream} and {@code seq}, and may have {@code domain}
     * and {@code duplicate}, each once.
     */
    static long read(byte[] data) {
        if (data == null || data.length < 2 || data[0] != '{') {
            return NOT_PLAIN;
        }
        int n = data.length;
        int i = 1;
        boolean stream = false;
        boolean domain = false;
        boolean duplicateSeen = false;
        boolean duplicate = false;
        long seq = -1;
        while (true) {
            // "key":
            if (i >= n || data[i] != '"') {
                return NOT_PLAIN;
            }
            int keyStart = ++i;
            while (i < n && data[i] != '"' && data[i] != '\\') {
                i++;
            }
            if (i >= n || data[i] != '"') {
                return NOT_PLAIN;
            }
            int keyEnd = i++;
            if (i >= n || data[i++] != ':' || i >= n) {
                return NOT_PLAIN;
            }
            if (is(data, keyStart, keyEnd, "stream") || is(data, keyStart, keyEnd, "domain")) {
                boolean isStream = data[keyStart] == 's';
                if (isStream ? stream : domain) {
                    return NOT_PLAIN; // twice
                }
                if (data[i] != '"') {
                    return NOT_PLAIN;
                }
                i++;
                while (i < n && data[i] != '"' && data[i] != '\\') {
                    i++;
                }
                if (i >= n || data[i] != '"') {
                    return NOT_PLAIN;
                }
                i++;
                if (isStream) {
                    stream = true;
                } else {
                    domain = true;
                }
            } else if (is(data, keyStart, keyEnd, "seq")) {
                if (seq >= 0) {
                    return NOT_PLAIN;
                }
                long v = 0;
                int digits = 0;
                while (i < n && data[i] >= '0' && data[i] <= '9') {
                    v = v * 10 + (data[i] - '0');
                    digits++;
                    i++;
                }
                if (digits == 0 || digits > 18) {
                    return NOT_PLAIN;
                }
                seq = v;
            } else if (is(data, keyStart, keyEnd, "duplicate")) {
                if (duplicateSeen) {
                    return NOT_PLAIN;
                }
                duplicateSeen = true;
                if (is(data, i, Math.min(n, i + 4), "true")) {
                    duplicate = true;
                    i += 4;
                } else if (is(data, i, Math.min(n, i + 5), "false")) {
                    i += 5;
                } else {
                    return NOT_PLAIN;
                }
            } else {
                return NOT_PLAIN; // error, batch, count, val, ... : jnats reads it
            }
            if (i >= n) {
                return NOT_PLAIN;
            }
            if (data[i] == '}') {
                return i == n - 1 && stream && seq >= 0 ? (duplicate ? seq | DUPLICATE : seq) : NOT_PLAIN;
            }
            if (data[i++] != ',') {
                return NOT_PLAIN;
            }
        }
    }

    private static boolean is(byte[] data, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (data[from + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
