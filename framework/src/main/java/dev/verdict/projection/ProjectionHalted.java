package dev.verdict.projection;

import dev.verdict.store.DeadLetter;

/**
 * A projection stopped on a poison event because its {@link PoisonPolicy} is {@link PoisonPolicy#STOP}. The event
 * is recorded in the {@link dev.verdict.store.DeadLetters dead letters} and left unacknowledged; fix the cause and start the runner again.
 */
public final class ProjectionHalted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient DeadLetter deadLetter;

    public ProjectionHalted(DeadLetter deadLetter) {
        super("projection '" + deadLetter.projection() + "' stopped at " + deadLetter.stream() + " sequence "
                + deadLetter.sequence() + " (" + deadLetter.subject() + "): " + deadLetter.reason() + " after "
                + deadLetter.attempts() + " attempt(s): " + deadLetter.detail());
        this.deadLetter = deadLetter;
    }

    /** The event that stopped the projection. */
    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
