package dev.verdict.projection.process;

import dev.verdict.store.EntityRef;

/**
 * Names the entity a process manager's command is for.
 *
 * <pre>{@code
 * CommandRouter<InventoryCommand> router = command -> EntityRef.of("stock", command.drug());
 * }</pre>
 *
 * @param <C> the commands
 */
@FunctionalInterface
public interface CommandRouter<C> {

    /** The target entity of the command. */
    EntityRef target(C command);
}
