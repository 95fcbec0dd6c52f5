package dev.verdict.store.nats;

import dev.verdict.store.EventFeed;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.FeedSpec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.Objects;

/**
 * The {@link EventFeeds} of a Verdict event store on NATS JetStream: a shared feed is a durable pull consumer with the
 * priority policy {@code pinned_client} ({@link NatsSharedFeed}), a per-instance feed an ephemeral consumer without
 * acks ({@link NatsInstanceFeed}).
 */
public final class NatsEventFeeds implements EventFeeds {
    private final Connection connection;
    private final String stream;

    /** The feeds of the stream {@code stream} on {@code connection}. */
    public NatsEventFeeds(Connection connection, String stream) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    @Override
    public EventFeed shared(FeedSpec spec) {
        return new NatsSharedFeed(connection, stream, spec);
    }

    @Override
    public EventFeed perInstance(FeedSpec spec) {
        return new NatsInstanceFeed(connection, stream, spec);
    }

    /** The stream's creation time (ISO-8601). */
    @Override
    public String streamIdentity() {
        try {
            return connection
                    .jetStreamManagement()
                    .getStreamInfo(stream)
                    .getCreateTime()
                    .toInstant()
                    .toString();
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot read stream '" + stream + "'", e);
        }
    }

    @Override
    public boolean closedForGood() {
        return connection.getStatus() == Connection.Status.CLOSED;
    }
}
