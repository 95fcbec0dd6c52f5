package dev.verdict.store.nats;

import dev.verdict.store.FeedFailure;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;

/** JetStream failures of consumer operations as {@link FeedFailure}s. */
final class NatsFeedFailures {
    static final int STREAM_NOT_FOUND = 10059;
    static final int CONSUMER_NOT_FOUND = 10014;

    private NatsFeedFailures() {}

    static FeedFailure of(String what, Exception e) {
        FeedFailure.Kind kind;
        if (e instanceof JetStreamApiException api) {
            kind = switch (api.getApiErrorCode()) {
                case STREAM_NOT_FOUND -> FeedFailure.Kind.STREAM_MISSING;
                case CONSUMER_NOT_FOUND -> FeedFailure.Kind.FEED_MISSING;
                default -> FeedFailure.Kind.REJECTED;
            };
        } else if (e instanceof JetStreamStatusCheckedException) {
            kind = FeedFailure.Kind.INTERRUPTED;
        } else {
            kind = FeedFailure.Kind.UNAVAILABLE;
        }
        return new FeedFailure(kind, what + ": " + e.getMessage(), e);
    }
}
