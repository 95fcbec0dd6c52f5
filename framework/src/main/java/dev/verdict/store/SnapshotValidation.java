package dev.verdict.store;

import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a loaded {@link Snapshot} may be trusted. A {@link SnapshotStore} returns what it has; the caller
 * (the command runtime) ignores a snapshot whose fingerprint differs from the current state codec's (the state's
 * shape changed) or whose version is ahead of the entity's stream (the stream was recreated or restored from an older
 * backup), and then re-derives the state from events. Missing and corrupt snapshots never get here: the store
 * returns them as empty.
 *
 * <pre>{@code
 * long version = eventStore.version(rx);   // cheap: one last-message lookup
 * Optional<Snapshot> usable = SnapshotValidation.usable(rx, snapshots.load(rx), stateCodec.fingerprint(), version);
 * S state = usable.map(s -> stateCodec.decode(s.state())).orElse(decider.initialState());
 * long from = usable.map(Snapshot::version).orElse(0L);
 * // then fold the events of ReadRange.after(from)
 * }</pre>
 */
public final class SnapshotValidation {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotValidation.class);

    /** Why a snapshot may or may not be used. */
    public enum Outcome {
        /** Same shape, not ahead of the stream: fold the events after its version onto it. */
        USABLE,
        /** Saved with another state shape: ignore it. */
        FINGERPRINT_MISMATCH,
        /** Claims a version beyond the entity's last event: ignore it. */
        AHEAD_OF_STREAM
    }

    private SnapshotValidation() {}

    /** Checks a snapshot against the current fingerprint and the entity's current version. */
    public static Outcome check(Snapshot snapshot, String currentFingerprint, long entityVersion) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(currentFingerprint, "currentFingerprint");
        if (!snapshot.fingerprint().equals(currentFingerprint)) {
            return Outcome.FINGERPRINT_MISMATCH;
        }
        if (snapshot.version() > entityVersion) {
            return Outcome.AHEAD_OF_STREAM;
        }
        return Outcome.USABLE;
    }

    /** The snapshot if it is {@link Outcome#USABLE}, else empty (the reason is logged). */
    public static Optional<Snapshot> usable(
            EntityRef entity, Optional<Snapshot> snapshot, String currentFingerprint, long entityVersion) {
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Outcome outcome = check(snapshot.get(), currentFingerprint, entityVersion);
        if (outcome == Outcome.USABLE) {
            return snapshot;
        }
        LOG.info(
                "ignoring snapshot of {} ({}): snapshot version {}, fingerprint {}; entity version {}, fingerprint {}",
                entity,
                outcome,
                snapshot.get().version(),
                snapshot.get().fingerprint(),
                entityVersion,
                currentFingerprint);
        return Optional.empty();
    }
}
