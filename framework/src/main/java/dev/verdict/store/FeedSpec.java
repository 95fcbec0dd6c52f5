package dev.verdict.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a feed reads and how.
 *
 * @param store the store whose events it delivers
 * @param subjects the subject filters of the events to deliver
 * @param name the feed's name (a shared feed is found by it)
 * @param description what reads it, for operators
 * @param ackWait after how long an unacknowledged delivery is delivered again (shared feeds)
 * @param failoverAfter after how long without a pull from the pinned client the store pins another (shared feeds)
 * @param batchSize how many deliveries one pull asks for
 */
public record FeedSpec(
        StoreName store,
        List<String> subjects,
        String name,
        String description,
        Duration ackWait,
        Duration failoverAfter,
        int batchSize) {
    public FeedSpec {
        Objects.requireNonNull(store, "store");
        subjects = List.copyOf(subjects);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(ackWait, "ackWait");
        Objects.requireNonNull(failoverAfter, "failoverAfter");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
    }
}
