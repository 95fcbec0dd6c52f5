package dev.verdict.runtime;

import dev.verdict.store.Category;
import java.time.Duration;

/**
 * Where the runtime reports what it does. Every method has a no-op default, so an implementation overrides only
 * what it records. {@link #none()} records nothing (the default); {@link MicrometerRuntimeMetrics} records to a
 * Micrometer registry. The runtime itself never touches Micrometer, so it works without Micrometer on the classpath.
 *
 * <p>Implementations are called from command threads and must be thread-safe and fast; they must not throw.
 *
 * <pre>{@code
 * CommandRuntime runtime = CommandRuntime.builder(store)
 *         .metrics(new MicrometerRuntimeMetrics(meterRegistry))
 *         .build();
 * }</pre>
 */
public interface RuntimeMetrics {

    /** How a command ended. */
    enum CommandResult {
        ACCEPTED,
        /** accepted by an earlier send of the same command id */
        DUPLICATE,
        UNCHANGED,
        REJECTED,
        /** {@link ConflictRetriesExhausted} */
        RETRIES_EXHAUSTED,
        /** any other exception (a bug, the store unavailable, ...) */
        FAILED
    }

    /** Where a state came from. */
    enum LoadSource {
        /** the state cache: no read at all */
        CACHE,
        /** a valid snapshot plus the events after it */
        SNAPSHOT,
        /** all events from the start */
        EVENTS,
        /** a known state plus the events it missed (after a conflict or a duplicate) */
        CATCH_UP
    }

    /** What a snapshot lookup found. */
    enum SnapshotLookup {
        HIT,
        MISS,
        /** a snapshot of another state shape, unreadable, or ahead of the stream: ignored */
        STALE
    }

    /** What became of a snapshot the policy asked for. */
    enum SnapshotWrite {
        WRITTEN,
        FAILED,
        /** not even tried: the write queue was full or the runtime closing */
        DROPPED
    }

    /** A command ended, after {@code duration} (including waiting for its entity). */
    default void commandHandled(Category category, CommandResult result, Duration duration) {}

    /** An append met a concurrency conflict. */
    default void conflict(Category category) {}

    /** A command is decided again after a conflict. */
    default void retry(Category category) {}

    /** A state was obtained, reading {@code eventsRead} events in {@code duration}. */
    default void loaded(Category category, LoadSource source, long eventsRead, Duration duration) {}

    /** A snapshot was looked up. */
    default void snapshotLookup(Category category, SnapshotLookup result) {}

    /** A snapshot write ended. */
    default void snapshotWrite(Category category, SnapshotWrite result) {}

    /** Records nothing. */
    static RuntimeMetrics none() {
        return NoRuntimeMetrics.INSTANCE;
    }
}
