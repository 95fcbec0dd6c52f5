package dev.verdict.store;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The outcome of a successful {@link EventStore#appendAcross append across entities}.
 *
 * <pre>{@code
 * AppendAcrossResult r = store.appendAcross(guards, events, context);
 * r.sequences();                  // one per event, in the order of the events
 * r.versionOf(stock);             // OptionalLong: the stock's version after the append, if it was written
 * }</pre>
 *
 * @param events the events appended, in order; for a duplicate the events the command stored originally (a re-send
 *     decided on another state may have decided other events: the original ones are what was stored)
 * @param sequences the stream sequence of each event, in the same order
 * @param duplicate {@code true} when the command id had already been appended (a re-send): nothing new was written and
 *     {@code events} and {@code sequences} are those of the original append
 */
public record AppendAcrossResult(List<EntityEvent> events, List<Long> sequences, boolean duplicate) {
    public AppendAcrossResult {
        events = List.copyOf(events);
        sequences = List.copyOf(sequences);
        if (events.isEmpty() || events.size() != sequences.size()) {
            throw new IllegalArgumentException(
                    "an append across entities reports one sequence per event, at least one: " + events.size()
                            + " events, " + sequences.size() + " sequences");
        }
    }

    /** The entity's version after the append: the sequence of its last event, empty if none was appended to it. */
    public OptionalLong versionOf(EntityRef entity) {
        Objects.requireNonNull(entity, "entity");
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).entity().equals(entity)) {
                return OptionalLong.of(sequences.get(i));
            }
        }
        return OptionalLong.empty();
    }
}
