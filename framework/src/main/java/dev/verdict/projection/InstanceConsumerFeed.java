package dev.verdict.projection;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ephemeral consumer of this instance alone, without acks (memory storage, one replica), for views every instance
 * keeps for itself: recreated after the last processed event on every open, deleted on stop, removed by the server
 * after a minute without a client.
 */
final class InstanceConsumerFeed implements EventFeed {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceConsumerFeed.class);
    /**
     * How long one pull waits (jnats' default: 30 s). The consumer lives on any replica; one that has just woken from a
     * stall was seen to drop the pull it held, and the client only notices by missed idle heartbeats (half the expiry,
     * alarm after three) before it pulls again – so the shorter expiry bounds how long such a consumer stays silent.
     */
    private static final Duration PULL_EXPIRES = Duration.ofSeconds(5);

    private final Connection connection;
    private final String stream;
    private final List<String> subjects;
    private final String prefix;
    private final int batchSize;
    private String name;
    private IterableConsumer iterable;

    InstanceConsumerFeed(Connection connection, String stream, List<String> subjects, String prefix, int batchSize) {
        this.connection = connection;
        this.stream = stream;
        this.subjects = subjects;
        this.prefix = prefix;
        this.batchSize = batchSize;
        this.name = prefix;
    }

    @Override
    public void open(long resumeAfter) throws IOException, JetStreamApiException {
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
    public Message next(Duration timeout) throws JetStreamStatusCheckedException, InterruptedException {
        return iterable.nextMessage(timeout);
    }

    @Override
    public void ack(Message m) {}

    @Override
    public void inProgress(Message m) {}

    @Override
    public void settleAt(long position) {}

    @Override
    public ConsumerInfo info() throws IOException, JetStreamApiException {
        return connection.jetStreamManagement().getConsumerInfo(stream, name);
    }

    @Override
    public boolean isActive(ConsumerInfo info, String lastPinId) {
        return true;
    }

    @Override
    public String consumerName() {
        return name;
    }

    @Override
    public void close() {
        IterableConsumer it = iterable;
        iterable = null;
        EventFeed.stopQuietly(it, name);
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
}
