package dev.verdict.store;

import java.util.List;

/**
 * The outcome of a successful append.
 *
 * @param entity the entity appended to
 * @param sequences the stream sequence of each appended event, in order
 * @param duplicate {@code true} when the server recognised the command id as already appended (a retry after a
 *     lost acknowledgement): nothing new was written and {@code sequences} are those of the original append – all of
 *     them, even when the re-send was decided on another state with another number of events
 */
public record AppendResult(EntityRef entity, List<Long> sequences, boolean duplicate) {
    public AppendResult {
        sequences = List.copyOf(sequences);
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("an append result has at least one sequence");
        }
    }

    /** The entity's version after the append: the sequence of its last event. */
    public long version() {
        return sequences.get(sequences.size() - 1);
    }
}
