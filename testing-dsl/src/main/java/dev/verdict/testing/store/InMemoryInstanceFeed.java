package dev.verdict.testing.store;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedSpec;
import dev.verdict.store.FeedState;
import java.time.Duration;
import java.util.Optional;

/** An in-memory per-instance feed: every matching event after its position, once, without acknowledgements. */
final class InMemoryInstanceFeed implements EventFeed {
    private static final long POLL_MILLIS = 2;

    private final InMemoryEventFeeds feeds;
    private final FeedSpec spec;
    private final Object lock = new Object();
    private boolean open;
    private long nextSequence = 1;
    private long lastDelivered;
    private long feedSequence;

    InMemoryInstanceFeed(InMemoryEventFeeds feeds, FeedSpec spec) {
        this.feeds = feeds;
        this.spec = spec;
    }

    @Override
    public void open(long resumeAfter) {
        synchronized (lock) {
            nextSequence = Math.max(0, resumeAfter) + 1;
            lastDelivered = Math.max(0, resumeAfter);
            feedSequence = 0;
            open = true;
        }
    }

    @Override
    public Optional<EventDelivery> next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (lock) {
                if (!open) {
                    throw new IllegalStateException("feed '" + spec.name() + "' is closed");
                }
                Optional<InMemoryEventFeeds.Match> m = feeds.firstFrom(spec.subjects(), nextSequence);
                if (m.isPresent()) {
                    long sequence = m.get().event().sequence();
                    nextSequence = sequence + 1;
                    lastDelivered = sequence;
                    feedSequence++;
                    return Optional.of(new InMemoryDelivery(
                            m.get().event(),
                            m.get().subject(),
                            feedSequence,
                            1,
                            m.get().pendingAfter(),
                            Optional.empty(),
                            InMemoryDelivery.NOTHING));
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
            Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, timeout.toMillis())));
        }
    }

    @Override
    public FeedState state() {
        synchronized (lock) {
            return new FeedState(
                    feeds.countFrom(spec.subjects(), nextSequence),
                    0,
                    lastDelivered,
                    lastDelivered,
                    0,
                    Optional.empty());
        }
    }

    @Override
    public boolean isActive(FeedState state, Optional<String> lastPinId) {
        return true;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void close() {
        synchronized (lock) {
            open = false;
        }
    }

    @Override
    public void release(boolean wasActive) {
        close();
    }

    @Override
    public void settleAt(long position) {}

    @Override
    public void delete() {}

    @Override
    public boolean acknowledged() {
        return false;
    }
}
