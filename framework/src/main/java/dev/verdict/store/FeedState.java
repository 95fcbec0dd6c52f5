package dev.verdict.store;

import java.util.Optional;

/**
 * A feed's state as its store reports it.
 *
 * @param pending matching events not delivered yet
 * @param ackPending events delivered but not acknowledged yet (0 for a feed without acknowledgements)
 * @param ackFloor the stream sequence up to which every delivered event is acknowledged
 * @param delivered the stream sequence of the last event delivered
 * @param waitingPulls pull requests of clients waiting for deliveries
 * @param pinnedClient the client the store delivers to, for a feed shared by several clients of which one is pinned
 */
public record FeedState(
        long pending,
        long ackPending,
        long ackFloor,
        long delivered,
        long waitingPulls,
        Optional<String> pinnedClient) {

    public FeedState {
        java.util.Objects.requireNonNull(pinnedClient, "pinnedClient");
    }

    /** Whether no client holds the pin. */
    public boolean nobodyPinned() {
        return pinnedClient.isEmpty();
    }
}
