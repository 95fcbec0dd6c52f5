package dev.verdict.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A saved state of one entity.
 *
 * @param version the entity's version the state includes (sequence of the last folded event)
 * @param fingerprint the {@link StateCodec#fingerprint()} of the state's shape when it was saved
 * @param state the encoded state
 * @param streamIdentity the {@link EventStore#streamIdentity()} of the stream the state was derived from; a snapshot
 *     whose identity differs from the stream's current one was made from a deleted and recreated stream and is
 *     discarded. {@code ""} = unknown (snapshots saved before Verdict recorded it): checked only by version
 */
public record Snapshot(long version, String fingerprint, byte[] state, String streamIdentity) {
    public Snapshot {
        if (version < 1) {
            throw new IllegalArgumentException("a snapshot's version must be >= 1, was " + version);
        }
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(streamIdentity, "streamIdentity");
    }

    /** A snapshot whose stream identity is unknown ({@code ""}). */
    public Snapshot(long version, String fingerprint, byte[] state) {
        this(version, fingerprint, state, "");
    }

    /** Whether this snapshot was derived from the stream with {@code currentIdentity} (or cannot tell). */
    public boolean madeFromStream(String currentIdentity) {
        return streamIdentity.isEmpty() || currentIdentity.isEmpty() || streamIdentity.equals(currentIdentity);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s
                && version == s.version
                && fingerprint.equals(s.fingerprint)
                && Arrays.equals(state, s.state)
                && streamIdentity.equals(s.streamIdentity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, fingerprint, Arrays.hashCode(state), streamIdentity);
    }

    @Override
    public String toString() {
        return "Snapshot[version=" + version + ", fingerprint=" + fingerprint + ", " + state.length + " bytes"
                + (streamIdentity.isEmpty() ? "" : ", stream " + streamIdentity) + "]";
    }
}
