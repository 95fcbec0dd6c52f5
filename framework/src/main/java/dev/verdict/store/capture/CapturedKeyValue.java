package dev.verdict.store.capture;

import java.util.Arrays;
import java.util.Objects;

/**
 * The latest value of one key of a NATS KV bucket at capture time (a snapshot of an entity, an entry of the command
 * index): stored state besides the events.
 *
 * @param bucket the bucket's name, e.g. {@code pharmacy-snapshots}
 * @param key the key, e.g. {@code prescription.rx-1}
 * @param revision the key's revision (the sequence in the bucket's stream)
 * @param value the value bytes
 */
public record CapturedKeyValue(String bucket, String key, long revision, byte[] value) {

    public CapturedKeyValue {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        value = value.clone();
    }

    /** A copy of the value bytes. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedKeyValue e
                && bucket.equals(e.bucket)
                && key.equals(e.key)
                && revision == e.revision
                && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, revision, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "CapturedKeyValue[" + bucket + "/" + key + " r" + revision + ", " + value.length + " bytes]";
    }
}
