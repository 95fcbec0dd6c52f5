package dev.verdict.routing;

import dev.verdict.decider.EntityKey;
import dev.verdict.projection.Partition;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Handles a decision over several entities like its {@link MultiEntityHandle}, deciding each command on the instance
 * that owns the partition of the <b>first entity the command reads</b> ({@code decider().reads(command).get(0)}): here
 * when this instance owns it, else on that owner, whose answer is returned as this instance's {@link Outcome} (a
 * rejection as a {@link ForwardedRejection}). Obtained from {@link CommandRouting#route(MultiEntityHandle,
 * CommandCodec, StateCodec, Function)}; thread-safe.
 *
 * <p>The other entities the command reads may be owned by other instances, which decide their own commands meanwhile.
 * That stays correct the way every multi-entity decision is: the owner appends all events in one atomic append in
 * which every entity read is guarded by the version it was read at, so a concurrent change to any of them is a conflict
 * that the owner's runtime resolves by reading again and deciding again. Routing only removes the competition on the
 * first entity; put first the entity most of the contention is on. Otherwise the guarantees are {@link
 * CommandRouting}'s: the command id travels with the command, so a re-send (a lost answer, a take-over) is answered
 * with the original outcome and never applied twice.
 *
 * <pre>{@code
 * RoutedMultiEntity<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses = routing.route(
 *         runtime.register(MultiRegistration.of("dispense", decider)),
 *         CommandCodec.json(DispenseFill.class),
 *         CombinedStateCodec.of(JsonStateCodec.of(Prescription.class), JsonStateCodec.of(Inventory.class)),
 *         CommandRouting.eventCodecsOf(runtime));
 * Outcome<CombinedState<Prescription, Inventory>, Object> outcome =
 *         dispenses.handle(new DispenseFill("rx-1", 5), CommandContext.withCommandId(idempotencyKey));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the combined state
 * @param <E> the event type
 */
public final class RoutedMultiEntity<C, S, E> {
    private final CommandRouting routing;
    private final MultiEntityHandle<C, S, E> handle;
    private final CommandCodec<C> commands;
    private final StateCodec<S> states;
    private final Function<EntityRef, EventCodec<E>> events;

    RoutedMultiEntity(
            CommandRouting routing,
            MultiEntityHandle<C, S, E> handle,
            CommandCodec<C> commands,
            StateCodec<S> states,
            Function<EntityRef, EventCodec<E>> events) {
        this.routing = routing;
        this.handle = Objects.requireNonNull(handle, "handle");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.states = Objects.requireNonNull(states, "states");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** The handle commands are decided with on this instance. */
    public MultiEntityHandle<C, S, E> handle() {
        return handle;
    }

    /** The entity whose owner decides the command: the first entity the command reads. */
    public EntityRef routedBy(C command) {
        List<EntityKey> reads = handle.registration().decider().reads(Objects.requireNonNull(command, "command"));
        if (reads.isEmpty()) {
            throw new IllegalStateException(
                    "the decider '" + handle.registration().name() + "' reads no entity for " + command);
        }
        return EntityRef.of(reads.get(0));
    }

    /** {@link #handle(Object, CommandContext)} with a new command id. */
    public Outcome<S, E> handle(C command) {
        return handle(command, CommandContext.create());
    }

    /**
     * Decides the command on the owner of its first entity and waits for its outcome; throws what {@link
     * MultiEntityHandle#handle} throws when it was decided here, {@link RoutedCommandFailed} when the owner's runtime
     * failed.
     */
    public Outcome<S, E> handle(C command, CommandContext context) {
        try {
            return handleAsync(command, context).join();
        } catch (RuntimeException e) {
            Throwable cause = CommandRouting.cause(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** {@link #handleAsync(Object, CommandContext)} with a new command id. */
    public CompletableFuture<Outcome<S, E>> handleAsync(C command) {
        return handleAsync(command, CommandContext.create());
    }

    /** Decides the command on the owner of its first entity; the future completes as {@link #handle} returns or throws. */
    public CompletableFuture<Outcome<S, E>> handleAsync(C command, CommandContext context) {
        EntityRef first;
        byte[] request;
        try {
            Objects.requireNonNull(context, "context");
            first = routedBy(command);
            int partition =
                    Partition.of(first, routing.ownership().partitions()).index();
            if (routing.ownership().owns(partition)) {
                routing.local.increment();
                return handle.handleAsync(command, context);
            }
            request = RouteWire.multiRequest(
                    handle.registration().name(), first.id().value(), context, commands.encode(command));
            return new Forwarding<S, E>(
                            routing,
                            partition,
                            request,
                            reply -> MultiRouteWire.readReply(reply, states, events),
                            () -> handle.handleAsync(command, context),
                            "the owner of " + first + " failed to decide '"
                                    + handle.registration().name() + "' command " + context.commandId())
                    .send();
        } catch (RuntimeException e) { // as the handle does: a bad command fails the future
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A command another instance forwarded to this one: decided here, answered with its outcome or failure. */
    CompletableFuture<byte[]> decideForwarded(RouteWire.Request request) {
        CompletableFuture<Outcome<S, E>> outcome;
        try {
            outcome = handle.handleAsync(commands.decode(request.command()), request.context());
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return RouteWire.answer(outcome, o -> MultiRouteWire.outcome(o, states, events));
    }

    @Override
    public String toString() {
        return "RoutedMultiEntity[" + handle.registration().name() + "]";
    }
}
