package dev.verdict.projection;

/**
 * Infrastructure trouble around a projection: the stream or consumer could not be reached or created, a checkpoint
 * could not be read or written. Unchecked; the message says which projection and which operation.
 */
public final class ProjectionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProjectionFailure(String message) {
        super(message);
    }

    public ProjectionFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
