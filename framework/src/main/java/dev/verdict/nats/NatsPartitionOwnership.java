package dev.verdict.nats;

import dev.verdict.routing.PartitionOwnership;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.PublishOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PriorityPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition ownership on NATS, with the mechanism projections fail over with (ADR-42 priority groups): per partition
 * one message – a lease – on the stream {@value #STREAM}, read by a durable pull consumer with the priority policy
 * {@code pinned_client}. The server delivers the lease only to the one pinned client; that client owns the partition.
 * It never acknowledges the lease: every quarter of {@code failoverAfter} it confirms on the consumer's state that the
 * server still pins it and extends the lease's ack wait, so the lease is delivered to nobody else meanwhile; when the
 * pin moved (or could not be confirmed within {@code failoverAfter}) it stops owning the partition. When the owner
 * stops pulling (it died, or lost its connection) the server pins another instance after {@code failoverAfter} and
 * delivers the lease to it once its ack wait ran out. No election of Verdict's own and no coordinator: the server decides, and when an owner's belief is out
 * of date for a moment, the store's optimistic concurrency keeps commands correct.
 *
 * <p>The owner of partition {@code p} of {@code n} answers requests on the subject {@code
 * $VERDICT.route.<scope>.<n>.<p>} (queue group {@value #QUEUE}, so two instances that both believe they own it never
 * answer the same request twice); it subscribes while it owns the partition and unsubscribes when the lease stopped
 * coming. A request nobody answers ("no responders", or a timeout) is reported as unanswered and sent again by {@link
 * dev.verdict.routing.CommandRouting}.
 *
 * <pre>{@code
 * PartitionOwnership ownership = NatsPartitionOwnership.builder(connection, "pharmacy")
 *         .partitions(16)
 *         .failoverAfter(Duration.ofSeconds(5))
 *         .build();
 * CommandRouting routing = CommandRouting.start(ownership);
 * }</pre>
 */
public final class NatsPartitionOwnership implements PartitionOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(NatsPartitionOwnership.class);
    /** The stream of the leases, shared by every scope. */
    public static final String STREAM = "verdict-owners";

    static final String QUEUE = "verdict-owner";
    private static final String GROUP = "verdict";
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final String PIN_HEADER = "Nats-Pin-Id";
    private static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;

    private final Connection connection;
    private final String scope;
    private final int partitions;
    private final Duration failoverAfter;
    private final Duration renew;
    private final int replicas;

    private final long[] ownedUntil; // System.nanoTime(); guarded by this
    private final Message[] leases; // guarded by this
    private final String[] pins; // guarded by this
    private final Subscription[] serving; // guarded by this
    private final List<MessageConsumer> consumers = new ArrayList<>();
    private boolean closed; // guarded by this
    /** Answers forwarded commands (a command on a cached entity is decided on this thread). */
    private Dispatcher dispatcher;
    /** Receives the leases, apart from the requests, so that a busy owner still pulls in time and keeps its pin. */
    private Dispatcher leaseDispatcher;

    private ScheduledExecutorService expiry;
    private BiFunction<Integer, byte[], CompletableFuture<byte[]>> handler;

    private NatsPartitionOwnership(Builder b) {
        this.connection = b.connection;
        this.scope = b.scope;
        this.partitions = b.partitions;
        this.failoverAfter = b.failoverAfter;
        this.renew = Duration.ofMillis(Math.max(100, failoverAfter.toMillis() / 4));
        this.replicas = b.replicas;
        this.ownedUntil = new long[partitions];
        this.leases = new Message[partitions];
        this.pins = new String[partitions];
        this.serving = new Subscription[partitions];
    }

    /**
     * Ownership of the partitions of {@code scope} (usually the store's name: instances of one service share it) on
     * the connection.
     */
    public static Builder builder(Connection connection, String scope) {
        return new Builder(connection, scope);
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public synchronized boolean owns(int partition) {
        return !closed && serving[partition] != null && ownedUntil[partition] - System.nanoTime() > 0;
    }

    @Override
    public Duration takeOverBound() {
        // the server pins another instance after failoverAfter; the lease reaches it after the nak delay at most
        // the server pins another instance after failoverAfter; the lease comes back after its ack wait (as long)
        return failoverAfter.multipliedBy(2).plus(renew);
    }

    @Override
    public synchronized void start(BiFunction<Integer, byte[], CompletableFuture<byte[]>> handler) {
        if (this.handler != null) {
            throw new IllegalStateException("already started");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
        dispatcher = connection.createDispatcher();
        leaseDispatcher = connection.createDispatcher();
        expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verdict-ownership-" + scope);
            t.setDaemon(true);
            return t;
        });
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            provisionStream(jsm);
            long expiresMillis = Math.max(1000, Math.min(30_000, failoverAfter.toMillis() / 3));
            for (int p = 0; p < partitions; p++) {
                provisionLease(jsm, p);
                int partition = p;
                consumers.add(connection
                        .getStreamContext(STREAM)
                        .getConsumerContext(consumerName(p))
                        .consume(
                                ConsumeOptions.builder()
                                        .batchSize(1)
                                        .expiresIn(expiresMillis)
                                        .group(GROUP)
                                        .build(),
                                leaseDispatcher,
                                lease -> onLease(partition, lease)));
            }
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot take part in the ownership of '" + scope + "': " + e, e);
        }
        expiry.scheduleWithFixedDelay(this::renew, renew.toMillis(), renew.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void provisionStream(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(STREAM);
        } catch (JetStreamApiException e) {
            // missing: create it (an identical concurrent create by another instance succeeds too)
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects("$VERDICT.owners.>")
                    .description("Verdict: one lease message per partition of routed commands")
                    .storageType(StorageType.File)
                    .maxMessagesPerSubject(1)
                    .replicas(replicas)
                    .build());
        }
    }

    private void provisionLease(JetStreamManagement jsm, int p) throws IOException, JetStreamApiException {
        try {
            connection
                    .jetStream()
                    .publish(
                            leaseSubject(p),
                            ("lease " + p + " of " + partitions).getBytes(StandardCharsets.UTF_8),
                            PublishOptions.builder()
                                    .expectedLastSubjectSequence(0)
                                    .build());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE && e.getApiErrorCode() != WRONG_LAST_SEQUENCE_CLUSTERED) {
                throw e;
            }
            // the lease exists (another instance wrote it)
        }
        try {
            jsm.getConsumerInfo(STREAM, consumerName(p));
            return; // never updated in place: an update would move the pin away from the owner
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
        }
        try {
            createConsumer(jsm, p);
        } catch (JetStreamApiException e) {
            jsm.getConsumerInfo(STREAM, consumerName(p)); // another instance created it first: fine
        }
    }

    private void createConsumer(JetStreamManagement jsm, int p) throws IOException, JetStreamApiException {
        jsm.createConsumer(
                STREAM,
                ConsumerConfiguration.builder()
                        .durable(consumerName(p))
                        .filterSubject(leaseSubject(p))
                        .deliverPolicy(DeliverPolicy.All)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(failoverAfter)
                        .maxDeliver(-1)
                        .priorityPolicy(PriorityPolicy.PinnedClient)
                        .priorityGroups(GROUP)
                        .priorityTimeout(failoverAfter)
                        .description(
                                "Verdict: the owner of partition " + p + " of " + partitions + " of '" + scope + "'")
                        .build());
    }

    /** The lease came: this instance is the pinned client, so it owns the partition. */
    private void onLease(int p, Message lease) {
        synchronized (this) {
            if (closed) {
                lease.nak();
                return;
            }
            leases[p] = lease;
            pins[p] = Optional.ofNullable(lease.getHeaders())
                    .map(h -> h.getFirst(PIN_HEADER))
                    .orElse("");
            ownedUntil[p] = System.nanoTime() + failoverAfter.toNanos();
            if (serving[p] == null) {
                serving[p] = dispatcher.subscribe(routeSubject(p), QUEUE, request -> onRequest(p, request));
                LOG.info("owns partition {} of {} of '{}'", p, partitions, scope);
            }
        }
    }

    /**
     * Keeps each lease this instance holds while the server still pins this client (the lease stays unacknowledged, so
     * it is never delivered elsewhere meanwhile); gives up – and stops answering – a partition whose pin moved or
     * whose ownership could not be confirmed within {@code failoverAfter}.
     */
    private void renew() {
        for (int p = 0; p < partitions; p++) {
            Message lease;
            String pin;
            synchronized (this) {
                lease = leases[p];
                pin = pins[p];
            }
            boolean pinned = lease != null && pinnedTo(p, pin);
            synchronized (this) {
                if (closed || leases[p] != lease) {
                    continue;
                }
                if (pinned) {
                    lease.inProgress();
                    ownedUntil[p] = System.nanoTime() + failoverAfter.toNanos();
                } else if (serving[p] != null && ownedUntil[p] - System.nanoTime() <= 0) {
                    leases[p] = null;
                    unsubscribe(serving[p]);
                    serving[p] = null;
                    LOG.info("no longer owns partition {} of {} of '{}'", p, partitions, scope);
                }
            }
        }
    }

    private boolean pinnedTo(int p, String pin) {
        try {
            ConsumerInfo info = connection.jetStreamManagement().getConsumerInfo(STREAM, consumerName(p));
            return info.getPriorityGroupStates() != null
                    && info.getPriorityGroupStates().stream()
                            .anyMatch(g -> GROUP.equals(g.getGroup()) && pin.equals(g.getPinnedClientId()));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return false; // unconfirmed: the ownership runs out after failoverAfter
        }
    }

    private void onRequest(int p, Message request) {
        String replyTo = request.getReplyTo();
        if (replyTo == null) {
            return;
        }
        handler.apply(p, request.getData()).whenComplete((reply, error) -> {
            if (error == null && !connection.getStatus().equals(Connection.Status.CLOSED)) {
                connection.publish(replyTo, reply);
            }
            // else: no answer – the sender times out and sends the command again (same command id)
        });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> forward(int partition, byte[] request, Duration timeout) {
        try {
            return connection
                    .requestWithTimeout(routeSubject(partition), request, timeout)
                    // the client expires its requests only every few seconds: keep the timeout asked for
                    .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((reply, error) -> error == null && reply != null && !reply.isStatusMessage()
                            ? Optional.of(reply.getData())
                            : Optional.<byte[]>empty());
        } catch (RuntimeException e) {
            // e.g. the connection is closed: nobody answers through it
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    @Override
    public void close() {
        List<Integer> owned = new ArrayList<>();
        List<Message> held = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int p = 0; p < partitions; p++) {
                if (serving[p] != null) {
                    unsubscribe(serving[p]);
                    serving[p] = null;
                    owned.add(p);
                }
                if (leases[p] != null) {
                    held.add(leases[p]);
                    leases[p] = null;
                }
            }
        }
        consumers.forEach(MessageConsumer::stop);
        if (expiry != null) {
            expiry.shutdownNow();
        }
        for (int p : connected() ? owned : List.<Integer>of()) { // hand over now rather than after failoverAfter
            try {
                connection.jetStreamManagement().unpinConsumer(STREAM, consumerName(p), GROUP);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debug("unpinning partition {} failed; another instance takes it after {}", p, failoverAfter);
            }
        }
        if (connected()) {
            held.forEach(Message::nak); // delivered again at once, to the next instance pinned
        }
        if (dispatcher != null && connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(dispatcher);
            connection.closeDispatcher(leaseDispatcher);
        }
    }

    private void unsubscribe(Subscription subscription) {
        try {
            dispatcher.unsubscribe(subscription);
        } catch (IllegalStateException e) {
            // the connection (and its dispatchers) closed already: no subscription is left to end
        }
    }

    private boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    String consumerName(int p) {
        return "owner-" + scope + "-" + p + "of" + partitions;
    }

    private String leaseSubject(int p) {
        return "$VERDICT.owners." + scope + "." + partitions + "." + p;
    }

    String routeSubject(int p) {
        return "$VERDICT.route." + scope + "." + partitions + "." + p;
    }

    @Override
    public String toString() {
        return "NatsPartitionOwnership[" + scope + ", " + partitions + " partitions]";
    }

    /** Settings of a {@link NatsPartitionOwnership}. */
    public static final class Builder {
        private final Connection connection;
        private final String scope;
        private int partitions = 16;
        private Duration failoverAfter = Duration.ofSeconds(5);
        private int replicas = 1;

        private Builder(Connection connection, String scope) {
            this.connection = Objects.requireNonNull(connection, "connection");
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw new IllegalArgumentException(
                        "scope '" + scope + "' must be 1-64 ASCII letters, digits, '-' or '_'");
            }
            this.scope = scope;
        }

        /**
         * How many partitions (default 16, at most {@value dev.verdict.projection.Partition#MAX_COUNT}); every
         * instance of a scope must use the same count.
         */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > dev.verdict.projection.Partition.MAX_COUNT) {
                throw new IllegalArgumentException(
                        "partitions must be 1-" + dev.verdict.projection.Partition.MAX_COUNT + ", was " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** After how long without a pull from an owner the server pins another instance (default 5 s, as projections). */
        public Builder failoverAfter(Duration failoverAfter) {
            if (failoverAfter.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("failoverAfter must be at least 1 s, was " + failoverAfter);
            }
            this.failoverAfter = failoverAfter;
            return this;
        }

        /** The replicas of the lease stream when this instance creates it (default 1; 3 on a cluster). */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be 1-5, was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        public NatsPartitionOwnership build() {
            return new NatsPartitionOwnership(this);
        }
    }
}
