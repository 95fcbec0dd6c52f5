package dev.verdict.projection;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the identity of the stream (its creation time) with the one the projection's checkpoints were made from:
 * after the stream was deleted and created again, or restored from a backup of another incarnation, its sequences name
 * other events, so the old data and checkpoints are discarded (with a warning) and the projection starts from the new
 * stream's first event. Several instances may do this at once: the conditional checkpoint lets the last reset win and
 * the others resume after it.
 */
final class StreamIdentityCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    private StreamIdentityCheck() {}

    /**
     * Checks (and records) the stream's identity; resets the projection and the position when it changed. Returns the
     * stream's current identity.
     */
    static String check(RunnerSettings<?> s, PartitionProgress progress) {
        String current = s.feeds().streamIdentity();
        Optional<String> stored = s.projection().streamIdentity();
        if (stored.isPresent() && !stored.get().equals(current)) {
            LOG.warn(
                    "projection '{}': its checkpoints were made from stream '{}' created at {}, but the stream now was"
                            + " created at {} (deleted and created again, or restored): discarding its data and"
                            + " checkpoints and applying the stream from its first event",
                    s.name(),
                    s.filter().stream(),
                    stored.get(),
                    current);
            s.projection().resetForNewStream();
            progress.resetPosition();
        }
        if (stored.isEmpty() || !stored.get().equals(current)) {
            s.projection().recordStreamIdentity(current);
        }
        return current;
    }

    /**
     * Whether the projection's data now belongs to another incarnation of the stream than {@code opened}, the one this
     * worker's consumer reads: another instance found the stream deleted and created again and reset the projection.
     * Then the deliveries this worker holds are of the old stream and must never be applied.
     */
    static boolean replacedSince(RunnerSettings<?> s, String opened) {
        if (opened == null) {
            return false;
        }
        Optional<String> stored = s.projection().streamIdentity();
        return stored.isPresent() && !stored.get().equals(opened);
    }
}
