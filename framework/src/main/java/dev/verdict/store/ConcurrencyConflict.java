package dev.verdict.store;

import java.util.OptionalLong;

/**
 * The entity's sequence moved on since the expected version: another writer appended first. Nothing of the append
 * was stored. The runtime catches this, reads only the missed tail and decides again.
 */
public final class ConcurrencyConflict extends EventStoreException {
    private static final long serialVersionUID = 1L;

    private final transient EntityRef entity;
    private final long expectedVersion;
    private final OptionalLong actualVersion;

    public ConcurrencyConflict(EntityRef entity, long expectedVersion, OptionalLong actualVersion) {
        super("concurrency conflict on " + entity + ": expected version " + expectedVersion + ", but it is "
                + (actualVersion.isPresent() ? String.valueOf(actualVersion.getAsLong()) : "newer"));
        this.entity = entity;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public EntityRef entity() {
        return entity;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The entity's actual version when the server said it (NATS error 10071 does). */
    public OptionalLong actualVersion() {
        return actualVersion;
    }
}
