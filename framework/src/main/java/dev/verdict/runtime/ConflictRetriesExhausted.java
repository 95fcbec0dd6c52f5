package dev.verdict.runtime;

import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import java.util.List;

/**
 * Every attempt to append a command's events lost the race against another writer of the same entity. Nothing of the
 * command was stored. The command itself is fine: it can be sent again later (with the same command id).
 *
 * <p>Inside one JVM, commands to one entity are serialized by the runtime and never cause this; it happens when
 * several processes write the same entity faster than the {@link ConflictRetryPolicy} allows them to catch up.
 *
 * <pre>{@code
 * try {
 *     prescriptions.handle("rx-42", command);
 * } catch (ConflictRetriesExhausted e) {
 *     // e.entity(), e.attempts(), e.expectedVersions()
 * }
 * }</pre>
 */
public final class ConflictRetriesExhausted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient EntityRef entity;
    private final int attempts;
    private final List<Long> expectedVersions;

    ConflictRetriesExhausted(EntityRef entity, int attempts, List<Long> expectedVersions, ConcurrencyConflict last) {
        super(
                "gave up on " + entity + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                        + ": each append was overtaken by another writer (expected versions " + expectedVersions
                        + (last.actualVersion().isPresent()
                                ? ", last seen version " + last.actualVersion().getAsLong()
                                : "")
                        + "); nothing was stored",
                last);
        this.entity = entity;
        this.attempts = attempts;
        this.expectedVersions = List.copyOf(expectedVersions);
    }

    /** A decision over several entities: {@code entity} is the first one read, the message names them all. */
    ConflictRetriesExhausted(
            List<EntityRef> entities, int attempts, List<Long> expectedVersions, EventStoreException last) {
        super(
                "gave up on " + entities + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                        + ": each append was overtaken by another writer of one of them (expected versions of "
                        + entities.get(0) + ": " + expectedVersions + "); nothing was stored",
                last);
        this.entity = entities.get(0);
        this.attempts = attempts;
        this.expectedVersions = List.copyOf(expectedVersions);
    }

    /** The entity the command was for (the first entity read, for a decision over several). */
    public EntityRef entity() {
        return entity;
    }

    /** How many appends were tried. */
    public int attempts() {
        return attempts;
    }

    /** The expected version of each failed append, in order. */
    public List<Long> expectedVersions() {
        return expectedVersions;
    }
}
