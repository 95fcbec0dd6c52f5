package dev.verdict.projection;

/**
 * The life cycle of a {@link ProjectionRunner}: {@code NEW → RUNNING → STOPPED}, or {@code → FAILED} when a poison
 * event stopped it ({@link PoisonPolicy#STOP}) or the projection threw an {@link Error}, or {@code RUNNING → STUCK →
 * RUNNING} while a call into the projection runs past {@link ProjectionRunner.Builder#applyTimeout}.
 *
 * <pre>{@code
 * if (runner.status().state() == RunnerState.FAILED) { alert(runner.status().failure()); }
 * }</pre>
 */
public enum RunnerState {
    NEW,
    RUNNING,
    STOPPED,
    FAILED,
    /**
     * A call into the projection ran longer than {@link ProjectionRunner.Builder#applyTimeout}: this instance gave up
     * its consumer (another instance takes over) and will discard the call's result; the reason is in {@link
     * ProjectionStatus#failure()}. Back to {@code RUNNING}, as a standby, once the call returns.
     */
    STUCK
}
