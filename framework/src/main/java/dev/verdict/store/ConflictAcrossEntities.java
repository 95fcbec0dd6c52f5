package dev.verdict.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * At least one entity guarded by an {@link EventStore#appendAcross append across entities} moved on since it was read:
 * another writer appended first. Nothing of the append was stored. The server does not say which entity changed (on
 * NATS, error 10071 carries only that entity's current last sequence), so the runtime compares every guarded entity's
 * version, reads only the changed ones' new events and decides again.
 *
 * <pre>{@code
 * try {
 *     store.appendAcross(guards, events, context);
 * } catch (ConflictAcrossEntities conflict) {
 *     for (EntityVersion guard : conflict.guards()) {
 *         if (store.version(guard.entity()) != guard.version()) {
 *             // read store.read(guard.entity(), ReadRange.after(guard.version()), ...) and decide again
 *         }
 *     }
 * }
 * }</pre>
 */
public final class ConflictAcrossEntities extends EventStoreException {
    private static final long serialVersionUID = 1L;

    private final transient List<EntityVersion> guards;
    private final OptionalLong reportedSequence;

    public ConflictAcrossEntities(List<EntityVersion> guards, OptionalLong reportedSequence) {
        super("concurrency conflict: one of " + guards + " moved on"
                + (reportedSequence.isPresent()
                        ? " (the server saw a last sequence of " + reportedSequence.getAsLong() + ")"
                        : "")
                + "; nothing was stored");
        this.guards = List.copyOf(guards);
        this.reportedSequence = reportedSequence;
    }

    /** The guarded entities with the versions the append expected. */
    public List<EntityVersion> guards() {
        return guards;
    }

    /** The current last sequence of the entity whose guard failed first, when the server said it. */
    public OptionalLong reportedSequence() {
        return reportedSequence;
    }
}
