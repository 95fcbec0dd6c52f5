package dev.verdict.projection;

/**
 * Thrown by {@link Projection#apply} when the stored checkpoint is no longer the one the runner expected ({@link
 * DeliveredEvent#expectedCheckpoint()}) and does not cover the event either: another instance applied events
 * meanwhile, or the projection was reset for a rebuild. Nothing was applied. The runner does not retry the event: it
 * reads the checkpoint again and resumes right after it, reading any events it has not seen from the stream, so no
 * event is skipped and none is applied twice.
 *
 * <pre>{@code
 * if (updated == 0 && storedCheckpoint < event.sequence()) {
 *     throw new CheckpointMoved(name(), event.expectedCheckpoint(), storedCheckpoint);
 * }
 * }</pre>
 */
public final class CheckpointMoved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long expected;
    private final long actual;

    public CheckpointMoved(String projection, long expected, long actual) {
        super("checkpoint of projection '" + projection + "' is " + actual + ", expected " + expected
                + ": another runner or a rebuild moved it");
        this.expected = expected;
        this.actual = actual;
    }

    /** The checkpoint the runner expected. */
    public long expected() {
        return expected;
    }

    /** The checkpoint found in storage. */
    public long actual() {
        return actual;
    }
}
