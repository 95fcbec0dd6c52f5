package dev.verdict.routing;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Owner-routed commands (opt-in): each entity's commands are decided on the one instance that owns the entity's
 * partition, so instances of a service stop competing for the same entities through conflicts and retries. One per
 * instance, on a {@link PartitionOwnership} (on NATS: {@code dev.verdict.nats.NatsPartitionOwnership}); {@link
 * #route} wraps an {@link EntityHandle} into a {@link RoutedEntity}, a {@link MultiEntityHandle} into a {@link
 * RoutedMultiEntity} (decided on the owner of the first entity it reads).
 *
 * <p>Guarantees: a command is decided by the runtime's normal pipeline – here when this instance owns the entity's
 * partition, else on the owner, which answers with the outcome; every command is still appended with the version it
 * was decided on, so two instances that both believe they own a partition (during a take-over) stay correct through
 * optimistic concurrency. The command id travels with a forwarded command: a re-send (after a timeout, to a new owner
 * after a take-over) is answered with the original outcome and never applied twice, as for any re-sent command id
 * (docs/runtime.md, "Idempotency"). When no owner answers, the request is sent again until the partition's new owner
 * answers; after {@link PartitionOwnership#takeOverBound()} plus the request timeout without one, this instance
 * decides the command itself. docs/scaling.md.
 *
 * <pre>{@code
 * PartitionOwnership ownership = NatsPartitionOwnership.builder(connection, "pharmacy").partitions(16).build();
 * CommandRouting routing = CommandRouting.start(ownership);
 * RoutedEntity<RxCommand, Prescription, RxEvent> prescriptions =
 *         routing.route(runtime.register(registration), CommandCodec.json(Dispense.class, Cancel.class));
 * Outcome<Prescription, RxEvent> outcome = prescriptions.handle("rx-42", new Dispense(2));
 * }</pre>
 */
public final class CommandRouting implements AutoCloseable {
    /** How long a forwarded command waits for the owner's answer before it is sent again, by default. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final PartitionOwnership ownership;
    private final Duration requestTimeout;
    private final Map<String, RoutedEntity<?, ?, ?>> routes = new ConcurrentHashMap<>();
    private final Map<String, RoutedMultiEntity<?, ?, ?>> multiRoutes = new ConcurrentHashMap<>();
    final LongAdder local = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder served = new LongAdder();
    final LongAdder decidedWithoutOwner = new LongAdder();

    private CommandRouting(PartitionOwnership ownership, Duration requestTimeout) {
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    /** Starts routing on {@code ownership} (this instance competes for its partitions now). */
    public static CommandRouting start(PartitionOwnership ownership) {
        return start(ownership, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Starts routing; a forwarded command unanswered after {@code requestTimeout} is sent again. */
    public static CommandRouting start(PartitionOwnership ownership, Duration requestTimeout) {
        CommandRouting routing = new CommandRouting(ownership, requestTimeout);
        ownership.start(routing::serve);
        return routing;
    }

    /**
     * Routes the commands of the handle's category; the registration needs a state codec (an owner answers with the
     * entity's state). One route per category.
     */
    public <C, S, E> RoutedEntity<C, S, E> route(EntityHandle<C, S, E> handle, CommandCodec<C> commands) {
        RouteWire.stateCodec(handle.registration());
        RoutedEntity<C, S, E> route = new RoutedEntity<>(this, handle, commands);
        if (routes.putIfAbsent(handle.category().value(), route) != null) {
            throw new IllegalStateException("category '" + handle.category().value() + "' is routed already");
        }
        return route;
    }

    /**
     * Routes a decision over several entities: each command is decided on the owner of the first entity it reads (see
     * {@link RoutedMultiEntity}). An owner answers with the combined state ({@code states}) and the events, each
     * encoded with the event codec of its entity ({@code events}; {@link #eventCodecsOf} gives the runtime's). One
     * route per decision name.
     */
    public <C, S, E> RoutedMultiEntity<C, S, E> route(
            MultiEntityHandle<C, S, E> handle,
            CommandCodec<C> commands,
            StateCodec<S> states,
            Function<EntityRef, EventCodec<E>> events) {
        RoutedMultiEntity<C, S, E> route = new RoutedMultiEntity<>(this, handle, commands, states, events);
        if (multiRoutes.putIfAbsent(handle.registration().name(), route) != null) {
            throw new IllegalStateException("decision '" + handle.registration().name() + "' is routed already");
        }
        return route;
    }

    /**
     * The event codecs of the runtime's registrations, by the entity's category: what a several-entity decision over
     * registered categories encodes its events with. Asking for an entity of a category not registered throws {@link
     * IllegalStateException}.
     */
    @SuppressWarnings("unchecked")
    public static <E> Function<EntityRef, EventCodec<E>> eventCodecsOf(CommandRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        return entity -> (EventCodec<E>) runtime.handleFor(entity.category())
                .orElseThrow(() -> new IllegalStateException(
                        "category '" + entity.category().value() + "' is not registered with the runtime"))
                .registration()
                .eventCodec();
    }

    /** What this instance did with the commands so far. */
    public RoutingCounts counts() {
        return new RoutingCounts(local.sum(), forwarded.sum(), served.sum(), decidedWithoutOwner.sum());
    }

    PartitionOwnership ownership() {
        return ownership;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    private CompletableFuture<byte[]> serve(int partition, byte[] bytes) {
        RouteWire.Request request;
        try {
            request = RouteWire.readRequest(bytes);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(RouteWire.failure(RouteWire.Failure.FAILED, e.getMessage()));
        }
        if (request.multi()) {
            RoutedMultiEntity<?, ?, ?> multi = multiRoutes.get(request.category());
            if (multi == null) {
                return CompletableFuture.completedFuture(RouteWire.failure(
                        RouteWire.Failure.UNROUTED, "decision '" + request.category() + "' is not routed here"));
            }
            served.increment();
            return multi.decideForwarded(request);
        }
        RoutedEntity<?, ?, ?> route = routes.get(request.category());
        if (route == null) {
            return CompletableFuture.completedFuture(RouteWire.failure(
                    RouteWire.Failure.UNROUTED, "category '" + request.category() + "' is not routed here"));
        }
        served.increment();
        return route.decideForwarded(request);
    }

    /** The failure a future completed with, without the wrappers of the futures in between. */
    static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Leaves: the partitions this instance owns are handed over; its routed entities must not be used any more. */
    @Override
    public void close() {
        ownership.close();
    }
}
