package dev.verdict.runtime;

import dev.verdict.store.EntityRef;
import java.util.Objects;

/**
 * The state of one entity at a version, as returned by {@link EntityHandle#load} and {@link EntityHandle#loadAsOf}
 * for queries.
 *
 * <pre>{@code
 * EntityState<Prescription> rx = prescriptions.load("rx-42");
 * rx.state();   // the folded state
 * rx.version(); // the stream sequence of its last event, 0 when it has none
 * }</pre>
 *
 * @param entity the entity
 * @param state the state after folding every event up to {@code version}
 * @param version the sequence of the last event folded, {@code 0} for an entity without events
 * @param <S> the state type
 */
public record EntityState<S>(EntityRef entity, S state, long version) {
    public EntityState {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(state, "state");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }
}
