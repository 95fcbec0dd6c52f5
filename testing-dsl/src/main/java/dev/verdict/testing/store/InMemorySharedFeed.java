package dev.verdict.testing.store;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedFailure;
import dev.verdict.store.FeedSpec;
import dev.verdict.store.FeedState;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** One client of an in-memory shared feed ({@link SharedFeedState}); used by one runner thread. */
final class InMemorySharedFeed implements EventFeed {
    private static final long POLL_MILLIS = 2;

    private final InMemoryEventFeeds feeds;
    private final FeedSpec spec;
    private final String client = UUID.randomUUID().toString();
    private SharedFeedState opened;
    private boolean open;
    private boolean replaced;

    InMemorySharedFeed(InMemoryEventFeeds feeds, FeedSpec spec) {
        this.feeds = feeds;
        this.spec = spec;
    }

    @Override
    public void open(long resumeAfter) {
        SharedFeedState state = feeds.sharedState(spec, resumeAfter);
        replaced = opened != null && opened != state;
        opened = state;
        open = true;
    }

    @Override
    public Optional<EventDelivery> next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!open) {
                throw new IllegalStateException("feed '" + spec.name() + "' is closed");
            }
            Optional<InMemoryDelivery> d = current().poll(client);
            if (d.isPresent()) {
                return Optional.of(d.get());
            }
            if (System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
            Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, timeout.toMillis())));
        }
    }

    private SharedFeedState current() {
        SharedFeedState state = feeds.existing(spec.name()).orElse(null);
        if (state == null || state != opened) {
            open = false;
            throw new FeedFailure(
                    FeedFailure.Kind.INTERRUPTED, "feed '" + spec.name() + "' was deleted since it was opened", null);
        }
        return state;
    }

    @Override
    public FeedState state() {
        return feeds.existing(spec.name())
                .orElseThrow(() -> new FeedFailure(
                        FeedFailure.Kind.FEED_MISSING, "feed '" + spec.name() + "' does not exist", null))
                .state();
    }

    @Override
    public boolean isActive(FeedState state, Optional<String> lastPinId) {
        return lastPinId.isPresent() && state.pinnedClient().equals(lastPinId);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public void release(boolean wasActive) {
        close();
        if (wasActive) {
            feeds.existing(spec.name()).ifPresent(s -> s.release(client));
        }
    }

    @Override
    public void settleAt(long position) {
        feeds.existing(spec.name()).ifPresent(s -> s.settleAt(position));
    }

    @Override
    public void delete() {
        feeds.delete(spec.name());
    }

    @Override
    public boolean replacedSinceLastOpen() {
        return replaced;
    }

    @Override
    public boolean acknowledged() {
        return true;
    }
}
