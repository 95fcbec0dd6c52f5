package dev.verdict.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A saved state of one entity.
 *
 * @param version the entity's version the state includes (sequence of the last folded event)
 * @param fingerprint the {@link StateCodec#fingerprint()} of the state's shape when it was saved
 * @param state the encoded state
 */
public record Snapshot(long version, String fingerprint, byte[] state) {
    public Snapshot {
        if (version < 1) {
            throw new IllegalArgumentException("a snapshot's version must be >= 1, was " + version);
        }
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(state, "state");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s
                && version == s.version
                && fingerprint.equals(s.fingerprint)
                && Arrays.equals(state, s.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, fingerprint, Arrays.hashCode(state));
    }

    @Override
    public String toString() {
        return "Snapshot[version=" + version + ", fingerprint=" + fingerprint + ", " + state.length + " bytes]";
    }
}
