package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.store.Category;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deciders into a working system: serves commands for one or more categories of entities over one {@link
 * EventStore}, with a state cache, optional snapshots, retries on conflict and metrics. Thread-safe; build it once per
 * process and store, {@link #register} each decider, and {@link #close()} it on shutdown (it owns a snapshot writer
 * thread and, unless you supply one, the executor of {@code handleAsync}). Closing does not close the stores.
 *
 * <pre>{@code
 * try (CommandRuntime runtime = CommandRuntime.builder(eventStore)
 *         .snapshots(snapshotStore)          // optional
 *         .commandIndex(commandIndex)        // optional: idempotency beyond the server's duplicate window
 *         .cacheSize(50_000)                 // default 10,000 entities; .withoutCache() to turn it off
 *         .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(5))
 *         .metrics(new MicrometerRuntimeMetrics(meterRegistry))
 *         .build()) {
 *     EntityHandle<RxCommand, Prescription, RxEvent> prescriptions = runtime.register(Registration
 *             .of("prescription", Prescriptions.decider(), rxEventCodec)
 *             .withStateCodec(rxStateCodec));
 *     Outcome<Prescription, RxEvent> outcome = prescriptions.handle("rx-42", new Dispense(2));
 * }
 * }</pre>
 */
public final class CommandRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRuntime.class);
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final EventStore store;
    private final Optional<SnapshotStore> snapshotStore;
    private final StateCache cache;
    private final SnapshotWriter snapshotWriter;
    private final Optional<ExecutorService> ownedExecutor;
    private final AsyncCommands asyncCommands;
    private final PipelineDependencies dependencies;
    private final ConcurrentMap<Category, EntityHandle<?, ?, ?>> handles = new ConcurrentHashMap<>();
    private final ConcurrentMap<Category, MultiEntityHandle<?, ?, ?>> multiHandles = new ConcurrentHashMap<>();
    private final ErasureEviction erasures;

    private CommandRuntime(Builder builder) {
        this.store = builder.store;
        this.snapshotStore = builder.snapshotStore;
        this.cache = builder.cacheSize > 0
                ? StateCache.bounded(builder.cacheSize, builder.store::streamIdentity)
                : StateCache.disabled();
        this.erasures = new ErasureEviction(cache);
        this.snapshotWriter = new SnapshotWriter(snapshotStore, builder.metrics, builder.snapshotQueueCapacity);
        Executor asyncExecutor;
        if (builder.asyncExecutor.isPresent()) {
            asyncExecutor = builder.asyncExecutor.get();
            this.ownedExecutor = Optional.empty();
        } else {
            ExecutorService pool = commandPool(builder.asyncThreads);
            asyncExecutor = pool;
            this.ownedExecutor = Optional.of(pool);
        }
        this.asyncCommands = new AsyncCommands(builder.maxInFlight, asyncExecutor, builder.completeInline);
        this.dependencies = new PipelineDependencies(
                store,
                snapshotStore,
                builder.commandIndex,
                cache,
                new EntityLocks(builder.lockStripes),
                builder.retryPolicy,
                builder.metrics,
                new Interceptors(builder.interceptors, builder.metrics),
                snapshotWriter,
                asyncCommands,
                new ConcurrentHashMap<>());
    }

    /** A builder for a runtime over the given event store. */
    public static Builder builder(EventStore store) {
        return new Builder(store);
    }

    /**
     * Serves a category with a decider. One registration per category. When its codecs decrypt personal data
     * ({@link dev.verdict.store.personal.PersonalDataCodec}), the category's cached states are dropped whenever a data
     * subject is erased, here or on another instance (see docs/personal-data.md).
     *
     * @throws IllegalStateException when the category is already registered
     */
    public <C, S, E> EntityHandle<C, S, E> register(Registration<C, S, E> registration) {
        Objects.requireNonNull(registration, "registration");
        if (registration.stateCodec().isPresent() && snapshotStore.isEmpty()) {
            LOG.info(
                    "category '{}' has a state codec, but the runtime has no snapshot store: no snapshots",
                    registration.category());
        }
        EntityHandle<C, S, E> handle = new EntityHandle<>(registration, dependencies);
        EntityHandle<?, ?, ?> previous = handles.putIfAbsent(registration.category(), handle);
        if (previous != null) {
            throw new IllegalStateException(
                    "category '" + registration.category() + "' is already registered with this runtime");
        }
        dependencies.registrations().put(registration.category(), registration);
        erasures.watch(registration);
        return handle;
    }

    /**
     * Serves a decision over several entities ({@link dev.verdict.decider.MultiDecider}): every command is decided on
     * the states of the entities it reads and appended to all of them atomically, each guarded by its version (see
     * {@link MultiEntityHandle}). Register the categories it reads as well – before its first command.
     *
     * <pre>{@code
     * MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses =
     *         runtime.register(MultiRegistration.of("dispense", Dispensing.DECIDER));
     * }</pre>
     *
     * @throws IllegalStateException when a decision of that name is already registered
     */
    public <C, S, E> MultiEntityHandle<C, S, E> register(MultiRegistration<C, S, E> registration) {
        Objects.requireNonNull(registration, "registration");
        MultiEntityHandle<C, S, E> handle = new MultiEntityHandle<>(registration, dependencies);
        if (multiHandles.putIfAbsent(registration.reportedAs(), handle) != null) {
            throw new IllegalStateException(
                    "a decision named '" + registration.name() + "' is already registered with this runtime");
        }
        return handle;
    }

    /**
     * Shorthand for {@code register(Registration.of(type, eventCodec))}: the entity type's category, served by its
     * decider instance (the one its multi-entity reads fold with), without snapshots. For snapshots, register a {@link
     * Registration} with a state codec.
     *
     * <pre>{@code
     * EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions =
     *         runtime.register(PrescriptionDecider.TYPE, PrescriptionEvents.CODEC);
     * }</pre>
     *
     * @throws IllegalStateException when the type's category is already registered
     */
    public <C, S, E> EntityHandle<C, S, E> register(EntityType<C, S, E> type, EventCodec<E> eventCodec) {
        return register(Registration.of(Objects.requireNonNull(type, "type"), eventCodec));
    }

    /** Shorthand for {@code register(Registration.of(category, decider, eventCodec))}: no snapshots. */
    public <C, S, E> EntityHandle<C, S, E> register(
            String category, Decider<C, S, E> decider, EventCodec<E> eventCodec) {
        return register(Registration.of(category, decider, eventCodec));
    }

    /** The handle serving a category, if registered (untyped: for routing; keep the typed handle where you can). */
    public Optional<EntityHandle<?, ?, ?>> handleFor(Category category) {
        return Optional.ofNullable(handles.get(category));
    }

    /** The event store this runtime writes to. */
    public EventStore store() {
        return store;
    }

    /** Whether the state cache is on. */
    public boolean cacheEnabled() {
        return cache.enabled();
    }

    /**
     * Writes the queued snapshots (waiting up to 5 s) and stops the runtime's threads. Commands running on the
     * runtime's own async executor are allowed to finish; new ones are refused.
     */
    @Override
    public void close() {
        erasures.close();
        asyncCommands.close();
        snapshotWriter.close();
        ownedExecutor.ifPresent(pool -> {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Asynchronous commands accepted by {@code handleAsync} and not finished yet (for monitoring). */
    public int commandsInFlight() {
        return asyncCommands.inFlight();
    }

    private static ExecutorService commandPool(int threads) {
        String prefix = "verdict-commands-" + RUNTIMES.incrementAndGet() + "-";
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Configuration of a {@link CommandRuntime}. Defaults: no snapshot store, a cache of {@value
     * #DEFAULT_CACHE_SIZE} entities, {@link ConflictRetryPolicy#defaults()}, no metrics, {@value #DEFAULT_ASYNC_THREADS}
     * threads for {@code handleAsync}.
     */
    public static final class Builder {
        /** Entities kept in the state cache unless configured. */
        public static final long DEFAULT_CACHE_SIZE = 10_000;
        /** Threads of the runtime's own executor for {@code handleAsync} unless configured. */
        public static final int DEFAULT_ASYNC_THREADS = 16;
        /** Asynchronous commands in flight at most unless configured. */
        public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

        private final EventStore store;
        private Optional<SnapshotStore> snapshotStore = Optional.empty();
        private Optional<CommandIndex> commandIndex = Optional.empty();
        private long cacheSize = DEFAULT_CACHE_SIZE;
        private ConflictRetryPolicy retryPolicy = ConflictRetryPolicy.defaults();
        private RuntimeMetrics metrics = RuntimeMetrics.none();
        private final java.util.List<CommandInterceptor> interceptors = new java.util.ArrayList<>();
        private Optional<Executor> asyncExecutor = Optional.empty();
        private int asyncThreads = DEFAULT_ASYNC_THREADS;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private boolean completeInline;
        private int lockStripes = 4096; // 64 threads in flight share a stripe with another entity ~1.5% of the time
        private int snapshotQueueCapacity = 1024;

        private Builder(EventStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Reads and writes snapshots there (for registrations that have a state codec). */
        public Builder snapshots(SnapshotStore snapshots) {
            this.snapshotStore = Optional.of(Objects.requireNonNull(snapshots, "snapshots"));
            return this;
        }

        /**
         * Remembers every command's outcome there (e.g. {@code NatsCommandIndex}), so a command id re-sent after any
         * delay within the index's retention, a restart or a snapshot load is answered with its original outcome and
         * never stored twice. Without one, re-sends are recognised by the runtime's memory of the last commands per
         * cached entity and by the server's duplicate window only. Costs one index lookup per command whose id the
         * in-memory memory does not know (in parallel with a cold load; before the append on a warm one) and one
         * asynchronous write per outcome. See docs/runtime.md, "Idempotency".
         */
        public Builder commandIndex(CommandIndex index) {
            this.commandIndex = Optional.of(Objects.requireNonNull(index, "index"));
            return this;
        }

        /** Keeps at most this many entities' states in memory (at least 1). */
        public Builder cacheSize(long entities) {
            if (entities < 1) {
                throw new IllegalArgumentException(
                        "cache size must be >= 1 entity, was " + entities + " (use withoutCache() to turn it off)");
            }
            this.cacheSize = entities;
            return this;
        }

        /** No state cache: every command loads its entity (snapshot + tail, or all events). */
        public Builder withoutCache() {
            this.cacheSize = 0;
            return this;
        }

        /** Attempts and backoff on concurrency conflicts. */
        public Builder retryPolicy(ConflictRetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Attempts and backoff on concurrency conflicts, under the policy's former name.
         *
         * @deprecated use {@link #retryPolicy(ConflictRetryPolicy)}
         */
        @Deprecated(forRemoval = true)
        @SuppressWarnings("removal")
        public Builder retryPolicy(RetryPolicy policy) {
            return retryPolicy(policy.toConflictRetryPolicy());
        }

        /**
         * Adds an interceptor around every command of the runtime (see {@link CommandInterceptor}); interceptors begin
         * in the order added and end in the reverse order.
         */
        public Builder interceptor(CommandInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Where to report metrics, e.g. {@link MicrometerRuntimeMetrics}. */
        public Builder metrics(RuntimeMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Runs the blocking parts of {@code handleAsync} (cold loads, catch-up reads, multi-event appends) and the
         * completion of its futures on your executor (the runtime will not shut it down).
         */
        public Builder asyncExecutor(Executor executor) {
            this.asyncExecutor = Optional.of(Objects.requireNonNull(executor, "executor"));
            return this;
        }

        /**
         * Threads of the runtime's own {@code handleAsync} executor (when none is supplied): they run the blocking
         * parts (cold loads, catch-up reads, multi-event appends) and complete the futures; no thread waits for a
         * one-event append.
         */
        public Builder asyncThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("async threads must be >= 1, was " + threads);
            }
            this.asyncThreads = threads;
            return this;
        }

        /**
         * Asynchronous commands ({@code handleAsync}) in flight at most on this runtime: accepted and not finished,
         * whether waiting for their entity's earlier commands, for the store or for a backoff (default {@value
         * #DEFAULT_MAX_IN_FLIGHT}). Beyond it {@code handleAsync} returns a future already failed with {@link
         * CommandsInFlightExceeded} – nothing is queued, decided or stored – so memory stays bounded under any load.
         * Blocking {@code handle} calls are not counted (each holds its caller's thread).
         *
         * <pre>{@code
         * CommandRuntime.builder(store).maxInFlight(256).build();
         * }</pre>
         */
        public Builder maxInFlight(int commands) {
            if (commands < 1) {
                throw new IllegalArgumentException("max in flight must be >= 1, was " + commands);
            }
            this.maxInFlight = commands;
            return this;
        }

        /**
         * Completes the futures of {@code handleAsync} on the thread that finished the command – usually the NATS
         * connection's thread that received the acknowledgement – instead of handing them to the executor. Saves a
         * thread hand-off per command (worth 0.1–0.2 × raw {@code publishAsync} in two of three benchmark runs on a shared
         * 2-core machine, nothing in the third: docs/benchmarks.md, scenario 11), at a price: callbacks attached with {@code thenApply}, {@code
         * whenComplete}, ... then run on that thread and <b>must not block</b> (no {@code handle}, no {@code join} on
         * another command, no I/O) – while they run, the connection delivers nothing else, and a blocking wait for a
         * NATS answer there waits for its own timeout. The same contract as jnats' own {@code publishAsync} futures.
         * Use the {@code ...Async} variants of the callbacks to run blocking work elsewhere. The blocking parts of a
         * command (cold loads, catch-up reads, batches) still run on the executor. Off by default.
         *
         * <pre>{@code
         * CommandRuntime runtime = CommandRuntime.builder(store).completeInline().build();
         * prescriptions.handleAsync("rx-42", command).thenAccept(outcome -> metrics.count(outcome)); // non-blocking
         * }</pre>
         */
        public Builder completeInline() {
            this.completeInline = true;
            return this;
        }

        /** Snapshot writes waiting at most; beyond, a snapshot is dropped and counted (default 1024). */
        public Builder snapshotQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("snapshot queue capacity must be >= 1, was " + capacity);
            }
            this.snapshotQueueCapacity = capacity;
            return this;
        }

        public CommandRuntime build() {
            return new CommandRuntime(this);
        }
    }
}
