package dev.verdict.store;

import java.util.Objects;

/**
 * A runner's claim on an operator's request to apply a dead letter's event again ({@code verdict dead-letters retry}),
 * taken with {@link DeadLetters#claimRetry}: only the runner whose claim succeeded applies the event, then reports the
 * outcome with {@link DeadLetters#retryApplied} or {@link DeadLetters#retryFailed}.
 *
 * <pre>{@code
 * Optional<RetryClaim> claim = deadLetters.claimRetry("pharmacy", "prescription-list", 42, runnerId);
 * claim.ifPresent(c -> deadLetters.retryApplied(c));   // after applying c.letter()'s event
 * }</pre>
 *
 * @param letter the dead letter as it was claimed
 * @param requestId the request's id (what the requester waits for)
 * @param revision the store's version of the claimed entry (on NATS the KV revision), for a compare-and-set
 */
public record RetryClaim(DeadLetter letter, String requestId, long revision) {
    public RetryClaim {
        Objects.requireNonNull(letter, "letter");
        Objects.requireNonNull(requestId, "requestId");
    }
}
