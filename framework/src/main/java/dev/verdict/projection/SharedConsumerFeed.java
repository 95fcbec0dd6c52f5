package dev.verdict.projection;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
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
final class SharedConsumerFeed implements EventFeed {
    static final String GROUP = "verdict";
    private static final Logger LOG = LoggerFactory.getLogger(SharedConsumerFeed.class);
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final Connection connection;
    private final String stream;
    private final List<String> subjects;
    private final String name;
    private final String description;
    private final Duration ackWait;
    private final Duration failoverAfter;
    private final int batchSize;
    private IterableConsumer iterable;
    /** When the consumer opened last was created: another creation time means it was deleted and created again. */
    private ZonedDateTime openedCreated;

    private boolean replaced;

    SharedConsumerFeed(
            Connection connection,
            String stream,
            List<String> subjects,
            String name,
            String description,
            Duration ackWait,
            Duration failoverAfter,
            int batchSize) {
        this.connection = connection;
        this.stream = stream;
        this.subjects = subjects;
        this.name = name;
        this.description = description;
        this.ackWait = ackWait;
        this.failoverAfter = failoverAfter;
        this.batchSize = batchSize;
    }

    @Override
    public void open(long resumeAfter) throws IOException, JetStreamApiException {
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
            delete();
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
    public Message next(Duration timeout) throws JetStreamStatusCheckedException, InterruptedException {
        return iterable.nextMessage(timeout);
    }

    @Override
    public void ack(Message m) {
        if (m.isJetStream() && m.getReplyTo() != null) {
            m.ack();
        }
    }

    @Override
    public void inProgress(Message m) {
        if (m.isJetStream() && m.getReplyTo() != null) {
            m.inProgress();
        }
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
    public ConsumerInfo info() throws IOException, JetStreamApiException {
        return connection.jetStreamManagement().getConsumerInfo(stream, name);
    }

    @Override
    public boolean isActive(ConsumerInfo info, String lastPinId) {
        if (lastPinId == null || info.getPriorityGroupStates() == null) {
            return false;
        }
        for (PriorityGroupState g : info.getPriorityGroupStates()) {
            if (GROUP.equals(g.getGroup()) && lastPinId.equals(g.getPinnedClientId())) {
                return true;
            }
        }
        return false;
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

    /** Hands the consumer over at once instead of after {@code failoverAfter}: rolling deploys lose no time. */
    @Override
    public void release(boolean wasActive) {
        close();
        if (!wasActive) {
            return;
        }
        try {
            connection.jetStreamManagement().unpinConsumer(stream, name, GROUP);
            LOG.info("released consumer '{}' to the other instances", name);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("unpinning consumer '{}' failed; it fails over after {}: {}", name, failoverAfter, e.toString());
        }
    }

    @Override
    public void delete() throws IOException, JetStreamApiException {
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
