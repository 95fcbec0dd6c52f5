package dev.verdict.projection;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;

/**
 * Sends a command to an entity – the one thing a {@link ProcessHost} needs from the command runtime. Implement it
 * with the runtime's {@code handle} (or an HTTP call, or a message): it must be idempotent per {@link
 * CommandContext#commandId()}, which the Verdict runtime is (events carry {@code Nats-Msg-Id = <commandId>:<index>},
 * deduplicated by the server within the stream's duplicate window).
 *
 * <pre>{@code
 * CommandSender<InventoryCommand> sender = (target, command, context) -> runtime.handle(target, command, context);
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
}
