package dev.verdict.projection;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventFeeds;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Projection} on the store's read-side port ({@link EventFeeds}: JetStream consumers on NATS, built by
 * {@code dev.verdict.nats.NatsProjections}) – safely on every instance of a service at once: events in stream order,
 * explicit acks, failover between instances, optional partitions for scale-out, retries with backoff, dead letters,
 * caught-up and lag reporting, rebuilds.
 *
 * <p><b>Failover mode</b> ({@link Builder#failover()}, the default; {@link Builder#durable()} is the same): every
 * instance of the service starts the runner; they share one durable pull consumer ({@code verdict-<projection>})
 * with the JetStream priority policy {@code pinned_client}. The server delivers to one instance at a time; the others
 * wait as standbys. When the active instance dies (or stops: it hands over at once), the server pins another after
 * {@link Builder#failoverAfter(Duration)} (default 5 s), which resumes right after the projection's checkpoint. No
 * instance ever deletes or rewinds the shared consumer in normal operation.
 *
 * <p><b>Partitioned mode</b> ({@link Builder#partitions(int)}): the projection's entities are split into N partitions
 * ({@link Partition}: by category and id), each with its own shared consumer ({@code verdict-<projection>-<i>of<N>}),
 * its own pinned instance and its own checkpoint, so N instances share the work. Ordering is then per entity (and per
 * partition), not across partitions. Each partition's consumer delivers every matching event; the worker applies its
 * partition's and passes over the others'.
 *
 * <p><b>Ephemeral mode</b> ({@link Builder#ephemeral()}): for views every instance keeps for itself (in memory); an
 * ephemeral consumer of this instance, without acks, deleted on stop, starting after the projection's checkpoint.
 *
 * <p>Guarantees, in every mode and with any number of instances: an event is skipped only if its effect is already
 * stored. A delivery is trusted to follow the previous one only when both are first deliveries with consecutive
 * consumer sequences, under the same pin; the first delivery after (re)opening, after a take-over, after a lost delivery or a redelivery makes the
 * runner read the checkpoint again and read any events in between from the stream itself, applying them first, in
 * order. The effect is <b>exactly once</b> when the projection stores its checkpoint with its data atomically and on
 * the condition that it is still the expected one (see {@link Projection}; {@code JdbcProjection} and {@code
 * ProcessProjection} do); otherwise at least once. A poison event is retried per {@link ApplyRetryPolicy}, then recorded in
 * the {@link DeadLetters} (retrying the write until it succeeds) and skipped, or the runner stops ({@link
 * PoisonPolicy}); a dead letter whose event is applied later (a rebuild, a fix) is removed. {@link ProjectionUnavailable}
 * is retried until the storage answers, never dead-lettered. {@link #stop()} leaves no thread behind. An {@link Error}
 * thrown by the projection fails the runner without acknowledging the event.
 *
 * <pre>{@code
 * ProjectionRunner<PrescriptionEvent> runner = NatsProjections.runner(connection,   // dev.verdict.nats
 *                 SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
 *                 codec, JdbcProjection.of("prescription-list", dataSource, handler, reset))
 *         .partitions(4)                     // optional: four instances can share the work
 *         .build();
 * runner.start();                            // on every instance
 * runner.caughtUp().get(30, TimeUnit.SECONDS);
 * ...
 * runner.stop();                             // hands the consumers over to the other instances
 * }</pre>
 *
 * @param <E> the events the projection reads
 */
public final class ProjectionRunner<E> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final RunnerSettings<E> settings;
    private final PartitionWorkers<E> workers;
    private final RunnerReadings<E> readings;
    private final Object lifecycle = new Object();
    private volatile CompletableFuture<ProjectionStatus> caughtUp = new CompletableFuture<>();
    private volatile RebuildTracker rebuild;
    private volatile DeadLetters deadLetters;
    private final EventFeeds feeds;
    /** Names this instance in the retry requests it claims. */
    private final String runnerId = ProcessHandle.current().pid() + "-"
            + java.util.UUID.randomUUID().toString().substring(0, 8);

    private ProjectionRunner(Builder<E> b) {
        PartitionShare share = new PartitionShare(Math.min(b.maxActivePartitions, b.partitions));
        this.deadLetters = b.deadLetters;
        this.feeds = b.feeds;
        this.settings = new RunnerSettings<>(
                b.feeds,
                b.filter,
                b.codec,
                b.reader,
                b.projection,
                b.durable,
                b.partitions,
                b.retryPolicy,
                b.poisonPolicy,
                b.batchSize,
                b.applyBatchSize,
                b.applyBatchLatency,
                b.ackWait,
                b.failoverAfter,
                b.applyTimeout,
                b.clock,
                this::deadLetterStore);
        this.workers = new PartitionWorkers<>(
                settings, b.partitions, this::onProgress, share, runnerId, this::deadLetterStore);
        this.readings = new RunnerReadings<>(settings, workers.all());
    }

    /**
     * Starts configuring a runner that reads through the store's read-side port – on NATS {@code
     * NatsProjections.runner(connection, filter, codec, projection)} (package {@code dev.verdict.nats}) passes the
     * JetStream feeds, in memory the test kit's {@code InMemoryEventStore.feeds()} – with the store's standard mapping
     * ({@link EventMessageReader#of}). Dead letters go to the feeds' {@link EventFeeds#deadLetters()} unless {@link
     * Builder#deadLetters(DeadLetters)} names others.
     *
     * <pre>{@code
     * InMemoryEventStore store = InMemoryEventStore.create();
     * ProjectionRunner<PrescriptionEvent> runner = ProjectionRunner.builder(store.feeds(), filter, codec, view).build();
     * }</pre>
     */
    public static <E> Builder<E> builder(
            EventFeeds feeds, SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
        return new Builder<>(feeds, filter, codec, EventMessageReader.of(filter.store()), projection);
    }

    /** Starts configuring a runner for the projection over the filter on the feeds, with a custom message reader. */
    public static <E> Builder<E> builder(
            EventFeeds feeds,
            SubjectFilter filter,
            EventCodec<E> codec,
            EventMessageReader reader,
            Projection<E> projection) {
        return new Builder<>(feeds, filter, codec, reader, projection);
    }

    /** The projection's name. */
    public String name() {
        return settings.name();
    }

    /**
     * The consumer's name: {@code verdict-<projection>} for a shared consumer (of the first partition, when
     * partitioned: {@code verdict-<projection>-0of<N>}); a generated one for an ephemeral runner once started.
     */
    public String consumerName() {
        return workers.first().consumerName();
    }

    /**
     * Starts one worker thread per partition. Starting a stopped or failed runner resumes after the projection's
     * checkpoint.
     *
     * @throws IllegalStateException when already running
     */
    public void start() {
        synchronized (lifecycle) {
            if (workers.anyAlive()) {
                throw new IllegalStateException("projection '" + name() + "' is already running");
            }
            CompletableFuture<Void> each = workers.start();
            CompletableFuture<ProjectionStatus> all = new CompletableFuture<>();
            each.whenComplete((v, e) -> {
                if (e != null) {
                    all.completeExceptionally(e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
                } else {
                    all.complete(status());
                }
            });
            caughtUp = all;
        }
    }

    /**
     * Stops every worker after the event it is applying, and waits for them (at most 30 s). Events fetched but not
     * applied stay unacknowledged; a consumer this instance was active on is handed over to another instance at once.
     * Idempotent.
     */
    public void stop() {
        synchronized (lifecycle) {
            workers.requestStop();
        }
        workers.join(STOP_WAIT);
        synchronized (lifecycle) {
            workers.closeWatches();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Completes when every partition has processed every matching event that existed at some moment after start – by
     * this instance or, while another instance is active, as acknowledged on the shared consumer; fails when a worker
     * stops on a poison event or an error first. Restarting the runner gives a new future.
     */
    public CompletableFuture<ProjectionStatus> caughtUp() {
        return caughtUp;
    }

    /** The current status, without a server round trip. */
    public ProjectionStatus status() {
        return readings.status();
    }

    /**
     * Waits until every partition processed the event at {@code sequence} or a later one (on this instance or, for a
     * partition another instance is active on, as acknowledged on the shared consumer); false on timeout.
     */
    public boolean awaitPosition(long sequence, Duration timeout) throws InterruptedException {
        return readings.awaitPosition(sequence, timeout);
    }

    /** The lag against the stream, with a server round trip per partition and one for the stream. */
    public ProjectionLag lag() {
        return readings.lag();
    }

    /**
     * Rebuilds the projection from the first event: stops this runner, deletes its consumers, calls {@link
     * Projection#reset()} so it clears its data and checkpoints, then runs again from the start. Instances still
     * running the projection elsewhere are fenced by the projection's conditional checkpoint: their next write finds
     * the checkpoint moved ({@link CheckpointMoved}), so they resume from the reset checkpoint too instead of writing
     * onto the cleared data. Progress goes to the listener about once a second; the future completes with the final
     * progress when the projection caught up. Memory stays bounded by the batch size whatever the stream's length.
     */
    public CompletableFuture<RebuildProgress> rebuild(Consumer<RebuildProgress> listener) {
        Objects.requireNonNull(listener, "listener");
        stop();
        synchronized (lifecycle) {
            workers.deleteConsumersAndResetPositions();
            settings.projection().reset();
            RebuildTracker r = RebuildTracker.begin(listener, settings.feeds(), name());
            rebuild = r;
            start();
            return r.done;
        }
    }

    /**
     * Re-applies this projection's dead letters in sequence order (after a fix): each event is read again from the
     * stream, decoded and given to {@link Projection#applyOutOfOrder}; those that succeed are removed from the store,
     * those that fail again are recorded with the new reason. Only while the runner is not running.
     *
     * @return the dead letters that still fail
     */
    public List<DeadLetter> replayDeadLetters() {
        synchronized (lifecycle) {
            if (workers.anyAlive()) {
                throw new IllegalStateException("stop projection '" + name() + "' before replaying its dead letters");
            }
            return new DeadLetterReplay<>(settings, workers.first(), deadLetterStore()).replayAll();
        }
    }

    private void onProgress() {
        RebuildTracker r = rebuild;
        if (r != null && readings.reportRebuild(r)) {
            rebuild = null;
        }
    }

    /** The dead letters given to the builder, else the feeds' ({@link EventFeeds#deadLetters()}, opened once). */
    private DeadLetters deadLetterStore() {
        DeadLetters store = deadLetters;
        if (store == null) {
            store = feeds.deadLetters();
            deadLetters = store;
        }
        return store;
    }

    /**
     * Configuration of a {@link ProjectionRunner}; immutable once built.
     *
     * <pre>{@code
     * NatsProjections.runner(connection, filter, codec, projection)   // or ProjectionRunner.builder(feeds, …)
     *         .partitions(4)                    // default: one partition, failover between instances
     *         .failoverAfter(Duration.ofSeconds(5))
     *         .retryPolicy(ApplyRetryPolicy.none())
     *         .poisonPolicy(PoisonPolicy.STOP)
     *         .batchSize(500)
     *         .build();
     * }</pre>
     *
     * @param <E> the events the projection reads
     */
    public static final class Builder<E> {
        private final EventFeeds feeds;
        private final SubjectFilter filter;
        private final EventCodec<E> codec;
        private final EventMessageReader reader;
        private final Projection<E> projection;
        private boolean durable = true;
        private int partitions = 1;
        private int maxActivePartitions = Partition.MAX_COUNT;
        private ApplyRetryPolicy retryPolicy = ApplyRetryPolicy.defaults();
        private PoisonPolicy poisonPolicy = PoisonPolicy.DEAD_LETTER_AND_SKIP;
        private int batchSize = 256;
        private int applyBatchSize = 200;
        private Duration applyBatchLatency = Duration.ofMillis(20);
        private Duration ackWait = Duration.ofSeconds(30);
        private Duration failoverAfter = Duration.ofSeconds(5);
        private Duration applyTimeout = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private DeadLetters deadLetters;

        private Builder(
                EventFeeds feeds,
                SubjectFilter filter,
                EventCodec<E> codec,
                EventMessageReader reader,
                Projection<E> projection) {
            this.feeds = Objects.requireNonNull(feeds, "feeds");
            this.filter = Objects.requireNonNull(filter, "filter");
            this.codec = Objects.requireNonNull(codec, "codec");
            this.reader = Objects.requireNonNull(reader, "reader");
            this.projection = Objects.requireNonNull(projection, "projection");
            // a consumer name part: same rule as subject tokens
            dev.verdict.store.EntityId.of(projection.name());
        }

        /**
         * A shared durable consumer with failover between the instances that run this projection (the default): one
         * instance at a time processes it.
         */
        public Builder<E> failover() {
            this.durable = true;
            return this;
        }

        /** Same as {@link #failover()}: a durable consumer shared by every instance, one of them active. */
        public Builder<E> durable() {
            return failover();
        }

        /** An ephemeral consumer of this instance alone, without acks, deleted on stop: for in-memory views. */
        public Builder<E> ephemeral() {
            this.durable = false;
            return this;
        }

        /**
         * Splits the projection into {@code count} partitions by entity ({@link Partition}), each with its own shared
         * consumer, active instance and checkpoint (default 1). The projection must keep a checkpoint per partition
         * ({@link Projection#checkpoint(Partition)}). Changing the count of an existing projection needs a rebuild.
         */
        public Builder<E> partitions(int count) {
            new Partition(0, count); // validates the count
            this.partitions = count;
            return this;
        }

        /**
         * This instance's share of a partitioned projection: it processes at most {@code max} partitions while other
         * instances are there to take the rest, handing any partition beyond its share to another instance (default:
         * no limit – the server gives each partition to whichever instance asks first, which after a staggered start
         * is often the same one). Set it to {@code ceil(partitions / instances)} to spread the work. A partition that
         * no instance has served for twice {@link #failoverAfter(Duration)} is taken beyond the share, so the
         * projection goes on while a single instance lives.
         */
        public Builder<E> maxActivePartitions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxActivePartitions must be at least 1, was " + max);
            }
            this.maxActivePartitions = max;
            return this;
        }

        /**
         * How long the server waits for the active instance's next pull before it lets another instance take over
         * (the consumer's {@code priority_timeout}; default 5 s, at least 3 s). A take-over after an instance dies
         * takes about this long; a stopped runner hands over at once.
         */
        public Builder<E> failoverAfter(Duration failoverAfter) {
            if (failoverAfter.compareTo(Duration.ofSeconds(3)) < 0) {
                throw new IllegalArgumentException("failoverAfter must be at least 3 s, was " + failoverAfter);
            }
            this.failoverAfter = failoverAfter;
            return this;
        }

        /**
         * The longest one call into the projection ({@link Projection#apply}, {@link Projection#applyBatch}) may take
         * (default 60 s, at least 1 s). Past it this instance gives its consumer up – it stops pulling and unpins
         * itself, so another instance takes over at once – its status turns {@link RunnerState#STUCK} with the reason,
         * and when the call returns its result is discarded: the event is neither acknowledged nor counted as processed
         * here (a projection with a conditional checkpoint refuses a late write after the other instance's). Then it
         * serves again, as a standby.
         */
        public Builder<E> applyTimeout(Duration applyTimeout) {
            if (applyTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("applyTimeout must be at least 1 s, was " + applyTimeout);
            }
            this.applyTimeout = applyTimeout;
            return this;
        }

        /**
         * How often a failing apply is retried before the event is poison (default {@link
         * ApplyRetryPolicy#defaults()}: 5 attempts, 100 ms doubling up to 5 s).
         */
        public Builder<E> retryPolicy(ApplyRetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * As {@link #retryPolicy(ApplyRetryPolicy)}, under the policy's former name.
         *
         * @deprecated pass an {@link ApplyRetryPolicy}; this overload goes with {@link RetryPolicy} in the next release
         */
        @Deprecated(forRemoval = true)
        @SuppressWarnings("removal")
        public Builder<E> retryPolicy(RetryPolicy retryPolicy) {
            return retryPolicy(
                    Objects.requireNonNull(retryPolicy, "retryPolicy").toApplyRetryPolicy());
        }

        public Builder<E> poisonPolicy(PoisonPolicy poisonPolicy) {
            this.poisonPolicy = Objects.requireNonNull(poisonPolicy, "poisonPolicy");
            return this;
        }

        /**
         * Where dead letters go; defaults to the feeds' {@link EventFeeds#deadLetters()}, opened on first use – on NATS
         * {@code NatsDeadLetters.openForStream(connection, stream)} (the bucket {@code verdict-dead-letters} with the
         * stream's replica count), in the test kit the store's in-memory dead letters.
         */
        public Builder<E> deadLetters(DeadLetters deadLetters) {
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            return this;
        }

        /** Messages requested from the server at a time (default 256): bounds the runner's memory. */
        public Builder<E> batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be 1..10000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * For a projection that {@linkplain Projection#appliesBatches() applies batches} (such as {@code
         * JdbcProjection}): at most {@code maxEvents} consecutive events per batch (default 200), collected for at most
         * {@code maxLatency} after the first (default 20 ms) – a live event waits no longer than that, a backlog is
         * applied in full batches. {@code applyBatches(1, …)} applies event by event.
         */
        public Builder<E> applyBatches(int maxEvents, Duration maxLatency) {
            if (maxEvents < 1 || maxEvents > 10_000) {
                throw new IllegalArgumentException("maxEvents must be 1..10000, was " + maxEvents);
            }
            if (maxLatency.isNegative() || maxLatency.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("maxLatency must be 0..1 s, was " + maxLatency);
            }
            this.applyBatchSize = maxEvents;
            this.applyBatchLatency = maxLatency;
            return this;
        }

        /** How long the server waits for an ack before redelivering (default 30 s); longer than any apply. */
        public Builder<E> ackWait(Duration ackWait) {
            if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("ackWait must be at least 1 s, was " + ackWait);
            }
            this.ackWait = ackWait;
            return this;
        }

        /** The clock stamping dead letters. */
        public Builder<E> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The runner.
         *
         * @throws IllegalArgumentException when partitioned with a projection that keeps a single checkpoint, or an
         *     ephemeral runner is partitioned
         */
        public ProjectionRunner<E> build() {
            if (partitions > 1) {
                if (!durable) {
                    throw new IllegalArgumentException(
                            "an ephemeral runner serves this instance alone: partitions need the shared consumers of"
                                    + " failover mode");
                }
                try {
                    projection.checkpoint(new Partition(0, partitions));
                } catch (UnsupportedOperationException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return new ProjectionRunner<>(this);
        }
    }
}
