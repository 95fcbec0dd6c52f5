package dev.verdict.store.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored message of a captured stream, exactly as the server returned it: its stream sequence, subject, every
 * header (every name with its values, the values of a name in stored order) and payload bytes, and the time the server stored it.
 *
 * @param sequence the stream sequence, &ge; 1
 * @param subject the subject it was stored on
 * @param headers every header name with its values; empty when the message had none (the order of the names is
 *     the client library's, not necessarily the stored one)
 * @param payload the payload bytes
 * @param storedAt the server's timestamp of the message
 */
public record CapturedMessage(
        long sequence, String subject, Map<String, List<String>> headers, byte[] payload, Instant storedAt) {

    public CapturedMessage {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
        }
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(storedAt, "storedAt");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        payload = payload.clone();
    }

    /** The first value of header {@code name}, if the message has it. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A copy of the payload bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedMessage m
                && sequence == m.sequence
                && subject.equals(m.subject)
                && headers.equals(m.headers)
                && Arrays.equals(payload, m.payload)
                && storedAt.equals(m.storedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, subject, headers, Arrays.hashCode(payload), storedAt);
    }

    @Override
    public String toString() {
        return "CapturedMessage[" + subject + " #" + sequence + ", " + new ArrayList<>(headers.keySet()) + ", "
                + payload.length + " bytes]";
    }
}
