package dev.verdict.store.nats;

import java.nio.charset.StandardCharsets;

/**
 * Reads the sequence and the duplicate flag of a plain JetStream publish acknowledgement – {@code
 * {"stream":"s","seq":42}}, possibly with {@code "domain"} and {@code "duplicate":true} – without a JSON tree; anything
 * else (an error, a batch's acknowledgement, an unexpected shape) is left to jnats' {@code PublishAck}, which reports it.
 *
 * <p>Why: parsing each acknowledgement into jnats' JSON map was about a tenth of the store's CPU per warm append. The
 * answer is the server's JSON: the only strings in a plain acknowledgement are the stream and domain names (NATS
 * names, which contain no {@code "}), so the keys are found by their quoted form.
 */
final class PublishAcks {
    /** What {@link #sequence} returns when the answer is not a plain acknowledgement. */
    static final long NOT_PLAIN = -1;

    private static final byte[] ERROR = "\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM = "\"stream\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DUPLICATE = "\"duplicate\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BATCH = "\"batch\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "\"count\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VAL = "\"val\"".getBytes(StandardCharsets.US_ASCII);

    private PublishAcks() {}

    /** The stream sequence of a plain acknowledgement, else {@link #NOT_PLAIN}. */
    static long sequence(byte[] data) {
        if (data == null
                || data.length < 2
                || data[0] != '{'
                || data[data.length - 1] != '}'
                || indexOf(data, ERROR, 0) >= 0
                || indexOf(data, BATCH, 0) >= 0
                || indexOf(data, COUNT, 0) >= 0
                || indexOf(data, VAL, 0) >= 0
                || indexOf(data, STREAM, 0) < 0) {
            return NOT_PLAIN;
        }
        int at = indexOf(data, SEQ, 0);
        if (at < 0 || indexOf(data, SEQ, at + 1) >= 0) {
            return NOT_PLAIN;
        }
        int i = at + SEQ.length;
        long seq = 0;
        int digits = 0;
        while (i < data.length && data[i] >= '0' && data[i] <= '9') {
            seq = seq * 10 + (data[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || digits > 18 || i >= data.length || (data[i] != ',' && data[i] != '}')) {
            return NOT_PLAIN;
        }
        return seq;
    }

    /**
     * Whether a plain acknowledgement (one {@link #sequence} accepted) says the message was a duplicate; {@code null}
     * when the flag is there but neither {@code true} nor {@code false} (then let jnats read the answer).
     */
    static Boolean duplicate(byte[] data) {
        int at = indexOf(data, DUPLICATE, 0);
        if (at < 0) {
            return Boolean.FALSE;
        }
        int i = at + DUPLICATE.length;
        if (startsWith(data, i, "true")) {
            return Boolean.TRUE;
        }
        if (startsWith(data, i, "false")) {
            return Boolean.FALSE;
        }
        return null;
    }

    private static boolean startsWith(byte[] data, int from, String word) {
        if (from + word.length() >= data.length) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (data[from + k] != word.charAt(k)) {
                return false;
            }
        }
        byte next = data[from + word.length()];
        return next == ',' || next == '}';
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        int last = data.length - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
