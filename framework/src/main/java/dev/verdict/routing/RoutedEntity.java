package dev.verdict.routing;

import dev.verdict.projection.Partition;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import java.util.concurrent.CompletableFuture;

/**
 * Handles the commands of one category like its {@link EntityHandle}, deciding each on the instance that owns the
 * entity's partition: here when this instance owns it, else on the owner, whose answer is returned as this instance's
 * {@link Outcome} (a rejection as a {@link ForwardedRejection} with the decider's code and message). Obtained from
 * {@link CommandRouting#route}; thread-safe. The guarantees are {@link CommandRouting}'s.
 *
 * <pre>{@code
 * CompletableFuture<Outcome<Prescription, RxEvent>> outcome =
 *         prescriptions.handleAsync("rx-42", new Dispense(2), CommandContext.withCommandId(idempotencyKey));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public final class RoutedEntity<C, S, E> {
    private final CommandRouting routing;
    private final EntityHandle<C, S, E> handle;
    private final CommandCodec<C> commands;

    RoutedEntity(CommandRouting routing, EntityHandle<C, S, E> handle, CommandCodec<C> commands) {
        this.routing = routing;
        this.handle = handle;
        this.commands = commands;
    }

    /** The handle commands are decided with on this instance. */
    public EntityHandle<C, S, E> handle() {
        return handle;
    }

    /** {@link #handle(String, Object, CommandContext)} with a new command id. */
    public Outcome<S, E> handle(String id, C command) {
        return handle(id, command, CommandContext.create());
    }

    /**
     * Decides the command on the entity's owner and waits for its outcome; throws what {@link EntityHandle#handle}
     * throws when it was decided here, {@link RoutedCommandFailed} when the owner's runtime failed.
     */
    public Outcome<S, E> handle(String id, C command, CommandContext context) {
        try {
            return handleAsync(id, command, context).join();
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

    /** {@link #handleAsync(String, Object, CommandContext)} with a new command id. */
    public CompletableFuture<Outcome<S, E>> handleAsync(String id, C command) {
        return handleAsync(id, command, CommandContext.create());
    }

    /** Decides the command on the entity's owner; the future completes as {@link #handle} returns or throws. */
    public CompletableFuture<Outcome<S, E>> handleAsync(String id, C command, CommandContext context) {
        EntityRef entity;
        try {
            entity = EntityRef.of(handle.category().value(), id);
        } catch (RuntimeException e) { // as the handle does: a bad id fails the future
            return CompletableFuture.failedFuture(e);
        }
        int partition = Partition.of(entity, routing.ownership().partitions()).index();
        if (routing.ownership().owns(partition)) {
            routing.local.increment();
            return handle.handleAsync(id, command, context);
        }
        byte[] request;
        try {
            request = RouteWire.request(entity.category().value(), id, context, commands.encode(command));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return new Forwarding<S, E>(
                        routing,
                        partition,
                        request,
                        reply -> RouteWire.readReply(reply, entity, handle.registration()),
                        () -> handle.handleAsync(id, command, context),
                        "the owner of " + entity + " failed to decide command " + context.commandId())
                .send();
    }

    /** A command another instance forwarded to this one: decided here, answered with its outcome or failure. */
    CompletableFuture<byte[]> decideForwarded(RouteWire.Request request) {
        C command;
        try {
            command = commands.decode(request.command());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(RouteWire.failure(RouteWire.Failure.FAILED, e.getMessage()));
        }
        CompletableFuture<Outcome<S, E>> outcome;
        try {
            outcome = handle.handleAsync(request.id(), command, request.context());
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return RouteWire.answer(outcome, o -> RouteWire.outcome(o, handle.registration()));
    }

    @Override
    public String toString() {
        return "RoutedEntity[" + handle.category().value() + "]";
    }
}
