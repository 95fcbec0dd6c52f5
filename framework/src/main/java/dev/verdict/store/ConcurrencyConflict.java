package dev.verdict.store;

import java.util.List;
import java.util.Objects;
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
    private final transient List<RecordedEvent> missedEvents;

    public ConcurrencyConflict(EntityRef entity, long expectedVersion, OptionalLong actualVersion) {
        this(entity, expectedVersion, actualVersion, List.of());
    }

    /**
     * A conflict whose store already read what the writer missed (e.g. while checking that the append was not a
     * re-send of a command stored before): {@code missedEvents} are then all of the entity's events after {@code
     * expectedVersion} up to {@code actualVersion}, in order, the last at {@code actualVersion} – or empty when the
     * store did not read them all.
     *
     * @throws IllegalArgumentException when the events are not such a tail
     */
    public ConcurrencyConflict(
            EntityRef entity, long expectedVersion, OptionalLong actualVersion, List<RecordedEvent> missedEvents) {
        super("concurrency conflict on " + entity + ": expected version " + expectedVersion + ", but it is "
                + (actualVersion.isPresent() ? String.valueOf(actualVersion.getAsLong()) : "newer"));
        this.entity = entity;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
        this.missedEvents = List.copyOf(Objects.requireNonNull(missedEvents, "missedEvents"));
        if (!this.missedEvents.isEmpty()) {
            long previous = expectedVersion;
            for (RecordedEvent event : this.missedEvents) {
                if (event.sequence() <= previous || !event.entity().equals(entity)) {
                    throw new IllegalArgumentException("missed events must be " + entity
                            + "'s events after " + expectedVersion + " in order, got sequence " + event.sequence()
                            + " of " + event.entity() + " after " + previous);
                }
                previous = event.sequence();
            }
            if (actualVersion.isEmpty() || previous != actualVersion.getAsLong()) {
                throw new IllegalArgumentException(
                        "missed events must end at the actual version " + actualVersion + ", they end at " + previous);
            }
        }
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

    /**
     * The events the writer missed – every event of the entity after {@link #expectedVersion()} up to {@link
     * #actualVersion()}, in order – when the store read them while refusing the append (the runtime then catches up
     * without reading them again); empty when it did not (read them yourself). Not kept when the exception is
     * serialized.
     */
    public List<RecordedEvent> missedEvents() {
        return missedEvents == null ? List.of() : missedEvents;
    }
}
