package dev.verdict.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which part of an entity's sequence to read: the events after {@code afterVersion}, up to and including stream
 * sequence {@code upToSequence}, stored at or before {@code asOf} (the server's timestamp) if given.
 *
 * <pre>{@code
 * ReadRange.all();                          // the whole history
 * ReadRange.after(snapshot.version());      // the tail after a snapshot
 * ReadRange.all().upToSequence(120);        // state as of stream sequence 120
 * ReadRange.all().asOf(Instant.parse("2026-01-01T00:00:00Z"));  // state as of a point in time
 * }</pre>
 */
public record ReadRange(long afterVersion, long upToSequence, Optional<Instant> asOf) {
    public ReadRange {
        if (afterVersion < 0) {
            throw new IllegalArgumentException("afterVersion must be >= 0, was " + afterVersion);
        }
        if (upToSequence < 0) {
            throw new IllegalArgumentException("upToSequence must be >= 0, was " + upToSequence);
        }
        Objects.requireNonNull(asOf, "asOf");
    }

    public static ReadRange all() {
        return new ReadRange(0, Long.MAX_VALUE, Optional.empty());
    }

    public static ReadRange after(long version) {
        return new ReadRange(version, Long.MAX_VALUE, Optional.empty());
    }

    public ReadRange upToSequence(long sequence) {
        return new ReadRange(afterVersion, sequence, asOf);
    }

    public ReadRange asOf(Instant time) {
        return new ReadRange(afterVersion, upToSequence, Optional.of(time));
    }

    /** Whether this range can contain events at all. */
    public boolean isEmpty() {
        return upToSequence <= afterVersion;
    }

    /** Whether an event with this sequence and storage time falls inside the upper bounds. */
    public boolean admits(long sequence, Instant storedAt) {
        return sequence > afterVersion
                && sequence <= upToSequence
                && asOf.map(t -> !storedAt.isAfter(t)).orElse(true);
    }
}
