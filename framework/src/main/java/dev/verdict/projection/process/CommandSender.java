package dev.verdict.projection.process;

import dev.verdict.runtime.EntityHandle;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;

/**
 * Sends a command to an entity – the one thing a {@link ProcessProjection} needs from the command runtime. Implement it
 * with the runtime's {@code handle} (or an HTTP call, or a message): it must be idempotent per {@link
 * CommandContext#commandId()}, which the Verdict runtime is (events carry {@code Nats-Msg-Id = <commandId>:<index>},
 * deduplicated by the server within the stream's duplicate window).
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
     * Sends the command; returns when the target accepted, rejected or deduplicated it. Throwing means "not sent"
     * (the host retries the whole event with the same command ids).
     */
    void send(EntityRef target, C command, CommandContext context);

    /**
     * Sends through the command runtime's handle of one category: accepted, unchanged and rejected outcomes all count
     * as sent (a rejection is the target decider's answer, not a failure); conflicts after all retries and store
     * outages throw, so the host retries the event with the same command ids.
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
