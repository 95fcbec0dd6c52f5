package dev.verdict.store.nats;

import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedSpec;
import dev.verdict.store.FeedState;
import dev.verdict.store.StoreName;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ephemeral consumer of this instance alone, without acks (memory storage, one replica), for views every instance
 * keeps for itself: recreated after the last processed event on every open, deleted on stop, removed by the server
 * after a minute without a client.
 */
final class NatsInstanceFeed implements EventFeed {
    private static final Logger LOG = LoggerFactory.getLogger(NatsInstanceFeed.class);
    /**
     * How long one pull waits (jnats' default: 30 s). The consumer lives on any replica; one that has just woken from a
     * stall was seen to drop the pull it held, and the client only notices by missed idle heartbeats (half the expiry,
     * alarm after three) before it pulls again – so the shorter expiry bounds how long such a consumer stays silent.
     */
    private static final Duration PULL_EXPIRES = Duration.ofSeconds(5);

    private final Connection connection;
    private final StoreName store;
    private final String stream;
    private final List<String> subjects;
    private final String prefix;
    private final int batchSize;
    private String name;
    private IterableConsumer iterable;

    NatsInstanceFeed(Connection connection, String stream, FeedSpec spec) {
        this.connection = connection;
        this.store = spec.store();
        this.stream = stream;
        this.subjects = spec.subjects();
        this.prefix = spec.name();
        this.batchSize = spec.batchSize();
        this.name = prefix;
    }

    @Override
    public void open(long resumeAfter) {
        try {
            openConsumer(resumeAfter);
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot open consumer '" + name + "' on '" + stream + "'", e);
        }
    }

    private void openConsumer(long resumeAfter) throws IOException, JetStreamApiException {
        deleteQuietly();
        name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerConfiguration.Builder cfg = ConsumerConfiguration.builder()
                .name(name)
                .filterSubjects(subjects)
                .ackPolicy(AckPolicy.None)
                .inactiveThreshold(Duration.ofMinutes(1))
                .memStorage(true)
                .numReplicas(1);
        if (resumeAfter <= 0) {
            cfg.deliverPolicy(DeliverPolicy.All);
        } else {
            cfg.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAfter + 1);
        }
        connection.jetStreamManagement().addOrUpdateConsumer(stream, cfg.build());
        iterable = connection
                .getStreamContext(stream)
                .getConsumerContext(name)
                .iterate(ConsumeOptions.builder()
                        .batchSize(batchSize)
                        .expiresIn(PULL_EXPIRES.toMillis())
                        .build());
    }

    @Override
    public Optional<EventDelivery> next(Duration timeout) throws InterruptedException {
        return NatsDelivery.next(iterable, store, name, false, timeout);
    }

    @Override
    public void settleAt(long position) {}

    @Override
    public FeedState state() {
        try {
            return NatsSharedFeed.stateOf(connection.jetStreamManagement().getConsumerInfo(stream, name));
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot read consumer '" + name + "' on '" + stream + "'", e);
        }
    }

    @Override
    public boolean isActive(FeedState state, Optional<String> lastPinId) {
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        IterableConsumer it = iterable;
        iterable = null;
        stopQuietly(it, name);
    }

    @Override
    public void release(boolean wasActive) {
        close();
        deleteQuietly();
    }

    @Override
    public void delete() {
        deleteQuietly();
    }

    private void deleteQuietly() {
        if (name.equals(prefix)) {
            return;
        }
        try {
            connection.jetStreamManagement().deleteConsumer(stream, name);
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            LOG.debug("ephemeral consumer {} not deleted ({}); the server drops it when idle", name, e.toString());
        }
        name = prefix;
    }

    @Override
    public boolean acknowledged() {
        return false;
    }

    /** Stops and closes a pull subscription, if any; failures only matter to the debug log. */
    static void stopQuietly(IterableConsumer iterable, String consumer) {
        if (iterable == null) {
            return;
        }
        try {
            iterable.stop();
            iterable.close();
        } catch (Exception e) {
            LOG.debug("closing consumer '{}': {}", consumer, e.toString());
        }
    }
}
