package dev.verdict.runtime;

import dev.verdict.store.EntityRef;

/**
 * A command id was sent for one entity and, earlier, for another: a command id names one command, so this is a client
 * error (a reused idempotency key), never a re-send. Nothing was decided or stored for this send.
 *
 * <pre>{@code
 * try {
 *     prescriptions.handle("rx-43", command, CommandContext.withCommandId(idempotencyKey));
 * } catch (CommandIdReused e) {
 *     respond(422, "idempotency-key-reused: first used for " + e.originalEntity());
 * }
 * }</pre>
 */
public final class CommandIdReused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String commandId;
    private final transient EntityRef entity;
    private final transient EntityRef originalEntity;

    CommandIdReused(String commandId, EntityRef entity, EntityRef originalEntity) {
        super("command id '" + commandId + "' was sent for " + entity + " but was used before for " + originalEntity
                + "; nothing was decided or stored");
        this.commandId = commandId;
        this.entity = entity;
        this.originalEntity = originalEntity;
    }

    /** The reused command id. */
    public String commandId() {
        return commandId;
    }

    /** The entity of this send. */
    public EntityRef entity() {
        return entity;
    }

    /** The entity the command id was first used for. */
    public EntityRef originalEntity() {
        return originalEntity;
    }
}
