package dev.verdict.testing.store;

import dev.verdict.store.FeedSpec;
import dev.verdict.store.FeedState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store side of an in-memory shared feed: what NATS keeps for a durable consumer with the priority policy
 * {@code pinned_client} and explicit acks. Thread-safe (its monitor).
 */
final class SharedFeedState {
    private static final class Unacked {
        final InMemoryEventFeeds.Match match;
        long deliveredCount = 1;
        long deadlineNanos;

        Unacked(InMemoryEventFeeds.Match match) {
            this.match = match;
        }
    }

    private final InMemoryEventFeeds feeds;
    private final List<String> subjects;
    private final TreeMap<Long, Unacked> unacked = new TreeMap<>();
    private Duration ackWait;
    private Duration failoverAfter;
    private long nextSequence;
    private long feedSequence;
    private long lastDelivered;
    private long ackFloor;
    private Optional<String> pinned = Optional.empty();
    private long pinnedLastPullNanos;

    SharedFeedState(InMemoryEventFeeds feeds, FeedSpec spec, long resumeAfter) {
        this.feeds = feeds;
        this.subjects = spec.subjects();
        this.nextSequence = Math.max(0, resumeAfter) + 1;
        this.lastDelivered = Math.max(0, resumeAfter);
        this.ackFloor = lastDelivered;
        configure(spec);
    }

    /** The settings of the runner that opened it last win, as on NATS. */
    synchronized void configure(FeedSpec spec) {
        this.ackWait = spec.ackWait();
        this.failoverAfter = spec.failoverAfter();
    }

    /** The next delivery for {@code client}, or empty when there is none or another client holds the pin. */
    synchronized Optional<InMemoryDelivery> poll(String client) {
        long now = System.nanoTime();
        expirePin(now);
        if (pinned.isEmpty()) {
            pinned = Optional.of(client);
        }
        if (!pinned.get().equals(client)) {
            return Optional.empty();
        }
        pinnedLastPullNanos = now;
        for (Map.Entry<Long, Unacked> e : unacked.entrySet()) {
            Unacked u = e.getValue();
            if (u.deadlineNanos - now <= 0) {
                u.deliveredCount++;
                u.deadlineNanos = now + ackWait.toNanos();
                return Optional.of(delivery(u, client));
            }
        }
        Optional<InMemoryEventFeeds.Match> next = feeds.firstFrom(subjects, nextSequence);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        long sequence = next.get().event().sequence();
        nextSequence = sequence + 1;
        lastDelivered = sequence;
        Unacked u = new Unacked(next.get());
        u.deadlineNanos = now + ackWait.toNanos();
        unacked.put(sequence, u);
        return Optional.of(delivery(u, client));
    }

    private InMemoryDelivery delivery(Unacked u, String client) {
        feedSequence++;
        return new InMemoryDelivery(
                u.match.event(),
                u.match.subject(),
                feedSequence,
                u.deliveredCount,
                feeds.countFrom(subjects, nextSequence),
                Optional.of(client),
                new InMemoryDelivery.Settling() {
                    @Override
                    public void ack(InMemoryDelivery delivery) {
                        acknowledge(delivery.streamSequence());
                    }

                    @Override
                    public void inProgress(InMemoryDelivery delivery) {
                        stillWorking(delivery.streamSequence());
                    }
                });
    }

    private void expirePin(long now) {
        if (pinned.isPresent() && now - pinnedLastPullNanos > failoverAfter.toNanos()) {
            pinned = Optional.empty();
        }
    }

    synchronized void acknowledge(long sequence) {
        if (unacked.remove(sequence) == null) {
            return;
        }
        long floor = unacked.isEmpty() ? lastDelivered : unacked.firstKey() - 1;
        ackFloor = Math.max(ackFloor, floor);
    }

    synchronized void stillWorking(long sequence) {
        Unacked u = unacked.get(sequence);
        if (u != null) {
            u.deadlineNanos = System.nanoTime() + ackWait.toNanos();
        }
    }

    synchronized FeedState state() {
        expirePin(System.nanoTime());
        return new FeedState(
                feeds.countFrom(subjects, nextSequence), unacked.size(), ackFloor, lastDelivered, 0, pinned);
    }

    /** Unpins {@code client} if it holds the pin: the next client that pulls is pinned at once. */
    synchronized void release(String client) {
        if (pinned.isPresent() && pinned.get().equals(client)) {
            pinned = Optional.empty();
        }
    }

    /** A consumer reset: pending deliveries are forgotten, delivery restarts after {@code position}. */
    synchronized void settleAt(long position) {
        unacked.clear();
        nextSequence = position + 1;
        lastDelivered = position;
        ackFloor = position;
    }
}
