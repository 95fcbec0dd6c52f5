package dev.verdict.projection;

/**
 * The life cycle of a {@link ProjectionRunner}: {@code NEW → RUNNING → STOPPED}, or {@code → FAILED} when a poison
 * event stopped it ({@link PoisonPolicy#STOP}) or the projection threw an {@link Error}.
 *
 * <pre>{@code
 * if (runner.status().state() == RunnerState.FAILED) { alert(runner.status().failure()); }
 * }</pre>
 */
public enum RunnerState {
    NEW,
    RUNNING,
    STOPPED,
    FAILED
}
