package dev.verdict.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Which instances of a scope are alive and how many partitions each owns, from core NATS messages only: every
 * instance publishes {@code <instance id> <partitions owned>} on {@code $VERDICT.route.<scope>.<n>.live} on the
 * renewal's clock and listens to the others. An instance not heard from within {@code failoverAfter} counts as gone;
 * one that closes says so ({@code <instance id> -1}).
 * Nothing is stored and no JetStream API is asked; a lost or late message only makes an instance look gone for a
 * moment, which delays a hand-over (an instance then believes its share is larger) and never causes one.
 */
final class LiveInstances {
    private final Connection connection;
    private final String subject;
    private final long goneAfterNanos;
    private final String self = NUID.nextGlobal();
    private final Map<String, long[]> seen = new HashMap<>(); // id -> {owned, System.nanoTime() when heard}; by this
    private long changedAt = System.nanoTime(); // when the set of live instances last changed; guarded by this

    LiveInstances(Connection connection, Dispatcher dispatcher, String subject, Duration goneAfter) {
        this.connection = connection;
        this.subject = subject;
        this.goneAfterNanos = goneAfter.toNanos();
        dispatcher.subscribe(subject, this::onHeard);
    }

    /** Says that this instance is alive and owns {@code owned} partitions. */
    void announce(int owned) {
        connection.publish(subject, (self + " " + owned).getBytes(StandardCharsets.US_ASCII));
    }

    /** Says that this instance leaves: the others stop counting it at once rather than after {@code failoverAfter}. */
    void leave() {
        connection.publish(subject, (self + " -1").getBytes(StandardCharsets.US_ASCII));
    }

    private void onHeard(Message m) {
        String[] parts = new String(m.getData(), StandardCharsets.US_ASCII).split(" ");
        if (parts.length != 2 || parts[0].equals(self)) {
            return;
        }
        try {
            int owned = Integer.parseInt(parts[1]);
            synchronized (this) {
                expire();
                if (owned < 0) {
                    if (seen.remove(parts[0]) != null) {
                        changedAt = System.nanoTime();
                    }
                } else if (seen.put(parts[0], new long[] {owned, System.nanoTime()}) == null) {
                    changedAt = System.nanoTime();
                }
            }
        } catch (NumberFormatException e) {
            // not one of ours: ignored
        }
    }

    /** The partitions owned by each other instance alive now, by its id. */
    synchronized Map<String, Integer> others() {
        expire();
        Map<String, Integer> owned = new HashMap<>();
        seen.forEach((id, s) -> owned.put(id, (int) s[0]));
        return owned;
    }

    /** How long the set of live instances has not changed. */
    synchronized Duration unchangedFor() {
        expire();
        return Duration.ofNanos(System.nanoTime() - changedAt);
    }

    private void expire() {
        long now = System.nanoTime();
        if (seen.values().removeIf(s -> now - s[1] > goneAfterNanos)) {
            changedAt = now;
        }
    }
}
