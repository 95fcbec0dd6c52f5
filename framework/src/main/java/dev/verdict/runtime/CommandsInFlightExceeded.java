package dev.verdict.runtime;

/**
 * {@link EntityHandle#handleAsync} refused a command because the runtime already has its maximum of asynchronous
 * commands in flight ({@link CommandRuntime.Builder#maxInFlight}). Nothing of the command was decided or stored; the
 * runtime is unaffected. Back off and send it again (with the same command id), or shed the load upstream – the
 * runtime never queues beyond the bound.
 *
 * <pre>{@code
 * prescriptions.handleAsync("rx-42", command, context).whenComplete((outcome, error) -> {
 *     if (error instanceof CommandsInFlightExceeded) {
 *         respond(503); // or send it again later
 *     }
 * });
 * }</pre>
 *
 * <p>The future returned by {@code handleAsync} fails with this exception itself (already failed when returned);
 * stages derived from it see it wrapped in a {@code CompletionException}.
 */
public final class CommandsInFlightExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int maxInFlight;

    CommandsInFlightExceeded(int maxInFlight) {
        super("refused: " + maxInFlight + " asynchronous commands are already in flight on this runtime (its"
                + " maxInFlight); nothing was decided or stored – send it again later");
        this.maxInFlight = maxInFlight;
    }

    /** The runtime's bound that was reached. */
    public int maxInFlight() {
        return maxInFlight;
    }
}
