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
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PriorityGroupState;
import io.nats.client.api.PriorityPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable pull consumer shared by every instance that runs the projection (or one partition of it), with the
 * priority policy {@code pinned_client} (ADR-42, nats-server 2.11+): the server delivers to one pinned client at a
 * time and pins another when the pinned one has not pulled for {@code failoverAfter}. Every instance creates the
 * consumer if it is missing and never deletes it in normal operation, so no instance can disturb the active one. An
 * instance built with another ack wait, failover time or batch size updates the existing consumer to its settings
 * when it opens it (the last one opened wins). A consumer with other filters (another version of the projection during
 * a rolling deploy) is replaced only once no client reads it – no pin, no waiting pull request – so two versions never
 * delete each other's consumer: the old one serves until it stops, then the new one takes over. The pull requests
 * expire well within {@code failoverAfter}, so a live, idle client renews its pin in time.
 */
final class NatsSharedFeed implements EventFeed {
    static final String GROUP = "verdict";
    private static final Logger LOG = LoggerFactory.getLogger(NatsSharedFeed.class);
    private static final int CONSUMER_NOT_FOUND = NatsFeedFailures.CONSUMER_NOT_FOUND;

    private final Connection connection;
    private final StoreName store;
    private final String stream;
    private final List<String> subjects;
    private final String name;
    private final String description;
    private final Duration ackWait;
    private final Duration failoverAfter;
    private final int batchSize;
    private IterableConsumer iterable;
    /** The pin of the last delivery to this client: the only pin it may give up. */
    private volatile Optional<String> lastPin = Optional.empty();
    /** When the consumer opened last was created: another creation time means it was deleted and created again. */
    private ZonedDateTime openedCreated;

    private boolean replaced;

    NatsSharedFeed(Connection connection, String stream, FeedSpec spec) {
        this.connection = connection;
        this.store = spec.store();
        this.stream = stream;
        this.subjects = spec.subjects();
        this.name = spec.name();
        this.description = spec.description();
        this.ackWait = spec.ackWait();
        this.failoverAfter = spec.failoverAfter();
        this.batchSize = spec.batchSize();
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
        JetStreamManagement jsm = connection.jetStreamManagement();
        Optional<ConsumerInfo> existing = info(jsm);
        if (existing.isPresent() && !compatible(existing.get().getConsumerConfiguration())) {
            ConsumerConfiguration other = existing.get().getConsumerConfiguration();
            if (inUse(existing.get())) {
                // another version of the service (a rolling deploy) still reads it with its filters: deleting it
                // would stop that version, which would then delete ours – wait until it is gone
                throw new IllegalStateException("consumer '" + name + "' on '" + stream + "' is in use with filters "
                        + other.getFilterSubjects() + " (another version of this projection is running); taking it"
                        + " over once that version stopped");
            }
            // a consumer of an earlier Verdict (no priority group) or with other filters, no longer read: replace it
            // once; the runners resume after their checkpoints, so nothing is skipped
            LOG.info(
                    "consumer '{}' on '{}' has another configuration (filters {}, priority policy {}); recreating it"
                            + " after sequence {}",
                    name,
                    stream,
                    other.getFilterSubjects(),
                    other.getPriorityPolicy(),
                    resumeAfter);
            deleteConsumer();
            existing = Optional.empty();
        }
        if (existing.isPresent() && drifted(existing.get().getConsumerConfiguration())) {
            ConsumerConfiguration current = existing.get().getConsumerConfiguration();
            LOG.info(
                    "consumer '{}' on '{}': updating ack wait {} -> {}, failover after {} -> {}, max ack pending {} -> {}",
                    name,
                    stream,
                    current.getAckWait(),
                    ackWait,
                    current.getPriorityTimeout(),
                    failoverAfter,
                    current.getMaxAckPending(),
                    maxAckPending());
            jsm.updateConsumer(
                    stream,
                    ConsumerConfiguration.builder(current)
                            .ackWait(ackWait)
                            .priorityTimeout(failoverAfter)
                            .maxAckPending(maxAckPending())
                            .build());
        }
        if (existing.isEmpty()) {
            ConsumerConfiguration.Builder cfg = ConsumerConfiguration.builder()
                    .durable(name)
                    .filterSubjects(subjects)
                    .ackPolicy(AckPolicy.Explicit)
                    .ackWait(ackWait)
                    .maxAckPending(maxAckPending())
                    .maxDeliver(-1)
                    .priorityPolicy(PriorityPolicy.PinnedClient)
                    .priorityGroups(GROUP)
                    .priorityTimeout(failoverAfter)
                    .description(description);
            if (resumeAfter <= 0) {
                cfg.deliverPolicy(DeliverPolicy.All);
            } else {
                cfg.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAfter + 1);
            }
            try {
                jsm.createConsumer(stream, cfg.build());
                LOG.info("created consumer '{}' on '{}' starting after sequence {}", name, stream, resumeAfter);
            } catch (JetStreamApiException e) {
                // another instance created it first (with its own start): use that one – the worker reads any
                // events between its checkpoint and the first delivery itself
                if (info(jsm).isEmpty()) {
                    throw e;
                }
            }
        }
        ZonedDateTime created = info(jsm).map(ConsumerInfo::getCreationTime).orElse(null);
        replaced = openedCreated != null && created != null && !openedCreated.equals(created);
        openedCreated = created;
        long expiresMillis = Math.max(1000, Math.min(30_000, failoverAfter.toMillis() / 3));
        iterable = connection
                .getStreamContext(stream)
                .getConsumerContext(name)
                .iterate(ConsumeOptions.builder()
                        .batchSize(batchSize)
                        .expiresIn(expiresMillis)
                        .group(GROUP)
                        .build());
    }

    private boolean compatible(ConsumerConfiguration cfg) {
        List<String> filters = cfg.getFilterSubjects() == null ? List.of() : cfg.getFilterSubjects();
        return new HashSet<>(filters).equals(new HashSet<>(subjects))
                && cfg.getPriorityPolicy() == PriorityPolicy.PinnedClient
                && cfg.getPriorityGroups() != null
                && cfg.getPriorityGroups().contains(GROUP)
                && cfg.getAckPolicy() == AckPolicy.Explicit;
    }

    private long maxAckPending() {
        return Math.max(1000, batchSize * 4L);
    }

    /** Whether the settings this runner was built with differ from the consumer's: the last runner opened wins. */
    private boolean drifted(ConsumerConfiguration cfg) {
        return !ackWait.equals(cfg.getAckWait())
                || !failoverAfter.equals(cfg.getPriorityTimeout())
                || cfg.getMaxAckPending() != maxAckPending();
    }

    /** Whether some client reads the consumer: it holds the pin or has pull requests waiting. */
    private static boolean inUse(ConsumerInfo info) {
        if (info.getNumWaiting() > 0) {
            return true;
        }
        return info.getPriorityGroupStates() != null
                && info.getPriorityGroupStates().stream()
                        .anyMatch(g -> g.getPinnedClientId() != null
                                && !g.getPinnedClientId().isEmpty());
    }

    private Optional<ConsumerInfo> info(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            return Optional.of(jsm.getConsumerInfo(stream, name));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<EventDelivery> next(Duration timeout) throws InterruptedException {
        Optional<EventDelivery> delivery = NatsDelivery.next(iterable, store, name, true, timeout);
        delivery.flatMap(EventDelivery::pinId).ifPresent(pin -> lastPin = Optional.of(pin));
        return delivery;
    }

    /** A consumer reset (nats-server 2.14+) to {@code position + 1}: pending deliveries are forgotten. */
    @Override
    public void settleAt(long position) {
        try {
            connection.jetStreamManagement().resetConsumer(stream, name, position + 1);
            LOG.debug("consumer '{}' settled at sequence {}", name, position);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("consumer '{}' not reset ({}); its redeliveries come after the ack wait", name, e.toString());
        }
    }

    @Override
    public FeedState state() {
        try {
            return stateOf(connection.jetStreamManagement().getConsumerInfo(stream, name));
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot read consumer '" + name + "' on '" + stream + "'", e);
        }
    }

    static FeedState stateOf(ConsumerInfo info) {
        Optional<String> pinned = Optional.empty();
        if (info.getPriorityGroupStates() != null) {
            for (PriorityGroupState g : info.getPriorityGroupStates()) {
                if (g.getPinnedClientId() != null && !g.getPinnedClientId().isEmpty()) {
                    if (GROUP.equals(g.getGroup()) || pinned.isEmpty()) {
                        pinned = Optional.of(g.getPinnedClientId());
                    }
                }
            }
        }
        return new FeedState(
                info.getNumPending(),
                info.getNumAckPending(),
                info.getAckFloor().getStreamSequence(),
                info.getDelivered().getStreamSequence(),
                info.getNumWaiting(),
                pinned);
    }

    @Override
    public boolean isActive(FeedState state, Optional<String> lastPinId) {
        return lastPinId.isPresent() && state.pinnedClient().equals(lastPinId);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        IterableConsumer it = iterable;
        iterable = null;
        NatsInstanceFeed.stopQuietly(it, name);
    }

    /** Hands the consumer over at once instead of after {@code failoverAfter}: rolling deploys lose no time. */
    @Override
    public void release(boolean wasActive) {
        close();
        if (!wasActive) {
            return;
        }
        try {
            // the server unpins whichever client it serves: only when that is still this one (the pin may have moved
            // to another instance since this one last heard of it; unpinning that one would make it stand idle)
            JetStreamManagement jsm = connection.jetStreamManagement();
            Optional<String> pinned = stateOf(jsm.getConsumerInfo(stream, name)).pinnedClient();
            if (pinned.isEmpty() || !pinned.equals(lastPin)) {
                LOG.debug("consumer '{}' is not pinned to this client ({}); nothing to release", name, pinned);
                return;
            }
            jsm.unpinConsumer(stream, name, GROUP);
            LOG.info("released consumer '{}' to the other instances", name);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("unpinning consumer '{}' failed; it fails over after {}: {}", name, failoverAfter, e.toString());
        }
    }

    @Override
    public void delete() {
        try {
            deleteConsumer();
        } catch (IOException | JetStreamApiException e) {
            throw NatsFeedFailures.of("cannot delete consumer '" + name + "' on '" + stream + "'", e);
        }
    }

    private void deleteConsumer() throws IOException, JetStreamApiException {
        try {
            connection.jetStreamManagement().deleteConsumer(stream, name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Whether the consumer opened last is another one than the one opened before it (deleted and created again, e.g.
     * by a rebuild on another instance): then its acknowledgements, not this instance's memory, are the position of a
     * projection without a checkpoint.
     */
    @Override
    public boolean replacedSinceLastOpen() {
        return replaced;
    }

    @Override
    public boolean acknowledged() {
        return true;
    }
}
