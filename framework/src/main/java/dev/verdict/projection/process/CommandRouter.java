package dev.verdict.projection.process;

import dev.verdict.decider.EntityType;
import dev.verdict.store.EntityRef;
import java.util.Objects;
import java.util.function.Function;

/**
 * Names the entity a process manager's command is for.
 *
 * <pre>{@code
 * CommandRouter<InventoryCommand> router = CommandRouter.to(InventoryDecider.TYPE, InventoryCommand::drug);
 * CommandRouter<InventoryCommand> same = command -> EntityRef.of(InventoryDecider.TYPE.key(command.drug()));
 * }</pre>
 *
 * @param <C> the commands
 */
@FunctionalInterface
public interface CommandRouter<C> {

    /** The target entity of the command. */
    EntityRef target(C command);

    /**
     * Routes every command to the entity of {@code type} whose id the command names ({@code idOf}), so the category is
     * the one declared with the type's decider.
     *
     * @param <C> the commands: those of the entity type, or a narrower type of them
     * @throws IllegalArgumentException from {@link #target} when {@code idOf} gives an invalid id (see {@link
     *     dev.verdict.decider.EntityNames})
     */
    static <C> CommandRouter<C> to(EntityType<? super C, ?, ?> type, Function<? super C, String> idOf) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(idOf, "idOf");
        return command -> EntityRef.of(type.key(idOf.apply(command)));
    }
}
