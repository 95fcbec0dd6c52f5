package dev.verdict.nats;

import dev.verdict.routing.PartitionOwnership;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * It never acknowledges the lease: every quarter of {@code failoverAfter} it sends a new pull carrying its pin id (the
 * server keeps a pin only while the pinned client sends new pulls within {@code failoverAfter}; {@link LeasePulls}),
 * confirms on the consumer's state that the server still pins it and extends the lease's ack wait, so the lease is
 * delivered to nobody else meanwhile; when the pin moved (or could not be confirmed within {@code failoverAfter}) it
 * stops owning the partition. When the owner stops pulling (it died, or lost its connection) the server pins another
 * instance after {@code failoverAfter} and delivers the lease to it once its ack wait ran out. No election of Verdict's
 * own and no coordinator: the server decides, and when an owner's belief is out of date for a moment, the store's
 * optimistic concurrency keeps commands correct.
 *
 * <p>Balanced (unless {@link Builder#balanced(boolean) balanced(false)}): the instances announce themselves and what
 * they own on core NATS ({@link LiveInstances}); an instance owning its share ({@link FairShare}) stops competing for
 * more, and one owning more hands a partition over – stops pulling it for 2 × {@code failoverAfter}, unpins the
 * consumer and gives the lease back – one at a time, until each owns the floor or the ceiling of partitions / instances.
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
    static final String GROUP = "verdict";
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

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
    private final long[] coolUntil; // System.nanoTime() until which a partition handed over is not pulled; by this
    private final boolean balanced;
    private long lastHandOver; // System.nanoTime(); guarded by this
    private boolean closed; // guarded by this
    /** Answers forwarded commands (a command on a cached entity is decided on this thread). */
    private Dispatcher dispatcher;
    /** Receives the leases, apart from the requests, so that a busy owner still pulls in time and keeps its pin. */
    private Dispatcher leaseDispatcher;

    private ScheduledExecutorService expiry;
    private LeasePulls pulls;
    private LiveInstances live;
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
        this.coolUntil = new long[partitions];
        this.balanced = b.balanced;
        this.lastHandOver = System.nanoTime();
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
        // the server unpins the dead owner failoverAfter after its last pull and delivers the lease once its ack wait
        // (failoverAfter after the last extension) ran out; instances that own their share already compete again
        // once the dead one was not heard from for failoverAfter (plus a tick to notice, a tick to pull)
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
        expiry = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "verdict-ownership-" + scope);
            t.setDaemon(true);
            return t;
        });
        try {
            String[] names = new LeaseStream(connection, scope, partitions, failoverAfter, replicas).provision();
            pulls = new LeasePulls(
                    connection,
                    leaseDispatcher,
                    STREAM,
                    GROUP,
                    names,
                    renew.multipliedBy(2),
                    this::onLease,
                    this::onPinLost);
            live = new LiveInstances(connection, leaseDispatcher, routeSubject("live"), failoverAfter);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot take part in the ownership of '" + scope + "': " + e, e);
        }
        // pulls on a clock of their own, so that the checks (waiting for the server) never delay them
        expiry.scheduleAtFixedRate(() -> onClock(this::pull), 0, renew.toMillis(), TimeUnit.MILLISECONDS);
        expiry.scheduleWithFixedDelay(
                () -> onClock(this::renew), renew.toMillis(), renew.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a periodic task; a failure (e.g. the connection closing) must not end its schedule. */
    private void onClock(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.debug("ownership of '{}': {}", scope, e.toString());
        }
    }

    /** The lease came: this instance is the pinned client, so it owns the partition. */
    private void onLease(int p, Message lease, String pin) {
        synchronized (this) {
            if (closed) {
                lease.nak();
                return;
            }
            if (coolUntil[p] - System.nanoTime() <= 0) {
                leases[p] = lease;
                pins[p] = pin;
                ownedUntil[p] = System.nanoTime() + failoverAfter.toNanos();
                if (serving[p] == null) {
                    serving[p] = dispatcher.subscribe(routeSubject(p), QUEUE, request -> onRequest(p, request));
                    LOG.info("owns partition {} of {} of '{}'", p, partitions, scope);
                }
                return;
            }
        }
        // handed over a moment ago and served by a pull sent before: give it back at once
        try {
            expiry.execute(() -> giveBack(p, lease));
        } catch (RejectedExecutionException e) {
            lease.nak(); // closing meanwhile
        }
    }

    /** The server refused a pull with this instance's pin id: another instance holds the pin now. */
    private synchronized void onPinLost(int p) {
        if (leases[p] != null) {
            LOG.info("pin of partition {} of {} of '{}' moved to another instance", p, partitions, scope);
            drop(p);
        }
    }

    /**
     * On the renewal's clock, apart from the checks (which wait for the server): says this instance is alive, and sends
     * a new pull to every partition's consumer – with the pin id to the ones it owns, which keeps its pins (the server
     * unpins a client that sent no new pull within {@code failoverAfter}); as a candidate to the others, unless it owns
     * its share already or handed the partition over a moment ago.
     */
    private void pull() {
        List<Integer> candidates = new ArrayList<>();
        List<Integer> idle = new ArrayList<>();
        Map<Integer, String> held = new HashMap<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            int owned = owned();
            live.announce(owned);
            boolean saturated = balanced
                    && FairShare.saturated(owned, partitions, live.others().size() + 1);
            long now = System.nanoTime();
            for (int p = 0; p < partitions; p++) {
                if (leases[p] != null) {
                    held.put(p, pins[p]);
                } else if (saturated || coolUntil[p] - now > 0) {
                    idle.add(p);
                } else {
                    candidates.add(p);
                }
            }
        }
        held.forEach(pulls::pull);
        candidates.forEach(p -> pulls.pull(p, ""));
        idle.forEach(pulls::stop);
    }

    /**
     * Keeps each lease this instance holds while the server still pins this client (the lease stays unacknowledged, so
     * it is never delivered elsewhere meanwhile); gives up – and stops answering – a partition whose pin moved or
     * whose ownership could not be confirmed within {@code failoverAfter}. Then hands one partition over when this
     * instance owns more than its share ({@link FairShare}).
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
                    LOG.info("cannot confirm its pin of partition {} of {} of '{}'", p, partitions, scope);
                    drop(p);
                }
            }
        }
        if (balanced) {
            balance();
        }
    }

    /**
     * Hands one partition over when {@link FairShare} says so – at most one per {@code failoverAfter}/2, and only once
     * the set of live instances has not changed for {@code failoverAfter} (every instance has heard of every other).
     * The partition is not pulled for a cool-down of 2 × {@code failoverAfter}, so the server cannot pin it back to this
     * instance, and goes to one of the instances still below their share (the only ones pulling it).
     */
    private void balance() {
        int partition = -1;
        Message lease = null;
        synchronized (this) {
            long now = System.nanoTime();
            if (closed
                    || now - lastHandOver < failoverAfter.toNanos() / 2
                    || live.unchangedFor().compareTo(failoverAfter) < 0
                    || !FairShare.shouldHandOver(
                            owned(), partitions, live.others().values())) {
                return;
            }
            for (int p = partitions - 1; p >= 0 && partition < 0; p--) {
                if (leases[p] != null) {
                    partition = p;
                }
            }
            lease = leases[partition];
            drop(partition);
            coolUntil[partition] = now + failoverAfter.toNanos() * 2;
            lastHandOver = now;
            LOG.info(
                    "hands partition {} of {} of '{}' over (owned {} of {})",
                    partition,
                    partitions,
                    scope,
                    owned() + 1,
                    partitions);
        }
        giveBack(partition, lease);
    }

    /** Unpins this instance and returns the lease, so that the server pins the next candidate and delivers it at once. */
    private void giveBack(int p, Message lease) {
        pulls.stop(p);
        try {
            connection.jetStreamManagement().unpinConsumer(STREAM, consumerName(p), GROUP);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("unpinning partition {} failed; another instance takes it after {}", p, failoverAfter);
        }
        if (connected()) {
            lease.nak();
        }
    }

    /** Stops owning the partition now. */
    private void drop(int p) {
        leases[p] = null;
        pins[p] = null;
        if (serving[p] != null) {
            unsubscribe(serving[p]);
            serving[p] = null;
            LOG.info("no longer owns partition {} of {} of '{}'", p, partitions, scope);
        }
    }

    /**
     * A request reached this instance after its ownership ran out (it was frozen or cut off, and the renewal that ends
     * the subscription has not run yet): it stops serving the partition at once and publishes the request again to the
     * partition's subject with the sender's reply subject, so the current owner answers the sender directly – or, with
     * no owner yet, the sender gets "no responders" and sends again, as during any take-over.
     */
    private void passOn(int p, Message request, String replyTo) {
        synchronized (this) {
            if (closed) {
                return; // no answer: the sender sends again, to whoever owns the partition then
            }
            if (serving[p] != null && ownedUntil[p] - System.nanoTime() <= 0) {
                LOG.info("partition {} of {} of '{}': ownership ran out, a request passed on", p, partitions, scope);
                drop(p);
            }
            if (serving[p] != null) {
                return; // owned again meanwhile (cannot pass it to itself): the sender sends again
            }
        }
        if (!connection.getStatus().equals(Connection.Status.CLOSED)) {
            connection.publish(routeSubject(p), replyTo, request.getHeaders(), request.getData());
        }
    }

    private int owned() {
        int owned = 0;
        for (Message lease : leases) {
            owned += lease == null ? 0 : 1;
        }
        return owned;
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
        if (!owns(p)) {
            passOn(p, request, replyTo);
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
        for (int p = 0; p < partitions && pulls != null; p++) {
            pulls.stop(p);
        }
        if (live != null && connected()) {
            live.leave(); // the others count one instance fewer at once: a larger share, so they compete for its
            // partitions
        }
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
        return LeaseStream.consumerName(scope, partitions, p);
    }

    String routeSubject(int p) {
        return routeSubject(Integer.toString(p));
    }

    private String routeSubject(String last) {
        return "$VERDICT.route." + scope + "." + partitions + "." + last;
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
        private boolean balanced = true;

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

        /**
         * Whether the instances balance the partitions among them (default {@code true}): an instance owning more than
         * {@code ceil(partitions / live instances)} hands the surplus over, one partition at a time, until each owns
         * the floor or the ceiling of that ratio. Without it, an instance keeps every partition it was pinned until it
         * stops or dies.
         */
        public Builder balanced(boolean balanced) {
            this.balanced = balanced;
            return this;
        }

        public NatsPartitionOwnership build() {
            return new NatsPartitionOwnership(this);
        }
    }
}
