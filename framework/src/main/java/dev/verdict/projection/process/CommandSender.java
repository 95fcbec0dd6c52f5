package dev.verdict.projection.process;

import dev.verdict.runtime.EntityHandle;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;

/**
 * Sends a command to an entity – the one thing a {@link ProcessProjection} needs from the command runtime. Implement it
 * with the runtime's {@code handle} (or an HTTP call, or a message): it must be idempotent per {@link
 * CommandContext#commandId()} – after a redelivery, or when two instances of a service apply the same event during a
 * take-over, the same command id is sent twice, possibly at the same time. The Verdict runtime is idempotent so: its
 * events carry {@code Nats-Msg-Id = <commandId>:<index>}, deduplicated by the server within the stream's duplicate
 * window, and the runtime also recognises a re-sent id among the entity's recent events it has folded.
 *
 * <pre>{@code
 * CommandSender<InventoryCommand> sender = CommandSender.via(stockHandle);    // a registered EntityHandle
 * CommandSender<InventoryCommand> custom = (target, command, context) -> http.post(target, command, context);
 * }</pre>
 *
 * @param <C> the commands
 */
@FunctionalInterface
public interface CommandSender<C> {

    /**
     * Sends the command; returns when the target accepted, rejected or deduplicated it. Throwing means "not sent" (the
     * host retries the whole event with the same command ids), and what is thrown decides how:
     *
     * <ul>
     *   <li>{@link dev.verdict.store.EventStoreUnavailable} (outcome unknown), {@link
     *       dev.verdict.runtime.ConflictRetriesExhausted} or {@link dev.verdict.projection.ProjectionUnavailable}
     *       (also as a cause): an outage – the event is retried until the target answers, never dead-lettered;
     *   <li>a {@link dev.verdict.decider.DomainRejection}: the target's answer – logged, counted as sent, not retried;
     *   <li>anything else: a failure of the event – retried per the runner's policy, then dead-lettered.
     * </ul>
     */
    void send(EntityRef target, C command, CommandContext context);

    /**
     * Sends through the command runtime's handle of one category: accepted (also as a duplicate of an earlier send of
     * the same command id), unchanged and rejected outcomes all count as sent (a rejection is the target decider's
     * answer, not a failure); conflicts after all retries ({@link dev.verdict.runtime.ConflictRetriesExhausted}) and
     * store outages ({@link dev.verdict.store.EventStoreUnavailable}) throw, and the host retries the event with the
     * same command ids until the store answers.
     *
     * @throws IllegalArgumentException (when sending) if a command is routed to another category than the handle's
     */
    static <C> CommandSender<C> via(EntityHandle<C, ?, ?> handle) {
        return (target, command, context) -> {
            if (!target.category().equals(handle.category())) {
                throw new IllegalArgumentException("command " + command + " is routed to " + target
                        + " but this sender serves category '" + handle.category() + "'");
            }
            handle.handle(target.id().value(), command, context);
        };
    }
}
