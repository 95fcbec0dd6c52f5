package dev.verdict.projection;

import java.time.Duration;

/**
 * Progress of a rebuild, reported about once a second and at the end.
 *
 * <pre>{@code
 * runner.rebuild(p -> log.info("rebuild {}/{} ({} events/s)", p.applied(), p.total(), (long) p.eventsPerSecond()));
 * }</pre>
 *
 * @param applied events processed so far (applied, skipped or dead-lettered)
 * @param total matching events in the stream when the rebuild started
 * @param elapsed time since the rebuild started
 */
public record RebuildProgress(long applied, long total, Duration elapsed) {

    /** Processing rate so far. */
    public double eventsPerSecond() {
        long millis = Math.max(1, elapsed.toMillis());
        return applied * 1000.0 / millis;
    }

    /** Fraction done, between 0 and 1 (1 for an empty stream). */
    public double fraction() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) applied / total);
    }
}
