package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.store.EntityRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What became of a command, over one entity ({@link EntityHandle}) or several ({@link MultiEntityHandle}):
 * {@link Accepted} (its events are stored – on several entities in one atomic append), {@link Unchanged} (the decider
 * had nothing to do) or {@link Rejected} (a {@link DomainRejection}; never retried). Nothing is written unless it is
 * accepted. Conflicts are not outcomes – the runtime resolves them – and bugs (any other exception of the decider or
 * the store) propagate unchanged instead of being turned into an outcome.
 *
 * <p>Every outcome carries the state after the command (an entity's own state, or the combined state of a
 * several-entity decider) and the version of every entity the command read, so a caller can answer without loading
 * again. A one-entity command read exactly one entity: {@link #entity()} and {@link #version()} name it; on an outcome
 * of several entities use {@link #versions()} or {@link #versionOf(EntityKey)}.
 *
 * <pre>{@code
 * Outcome<Prescription, RxEvent> outcome = prescriptions.handle("rx-42", new Dispense(2));
 * if (outcome instanceof Outcome.Accepted<Prescription, RxEvent> accepted) {
 *     respond(201, accepted.version());
 * } else if (outcome instanceof Outcome.Rejected<Prescription, RxEvent> rejected) {
 *     respond(409, rejected.rejection().code());
 * }
 * // or, without instanceof:
 * int status = outcome.map(accepted -> 201, unchanged -> 200, rejected -> 409);
 *
 * // several entities: the same type, with the combined state
 * Outcome<CombinedState<Prescription, Inventory>, Object> fill = dispenses.handle(new DispenseFill("rx-1", 5));
 * long stockVersion = fill.versionOf(EntityKey.of("inventory", "aspirin"));
 * }</pre>
 *
 * @param <S> the state type (the combined state for a several-entity decider)
 * @param <E> the event type
 */
public sealed interface Outcome<S, E> permits Outcome.Accepted, Outcome.Unchanged, Outcome.Rejected {

    /**
     * Every entity the command read, in the order read, with its version after the command (the sequence of its last
     * event, 0 when it has none). Exactly one entry for a one-entity command.
     */
    Map<EntityRef, Long> versions();

    /** The state after the command: the entity's, or the combined state of a several-entity decider. */
    S state();

    /**
     * The one entity a one-entity command was for.
     *
     * @throws IllegalStateException when the command read several entities (use {@link #versions()})
     */
    default EntityRef entity() {
        Map<EntityRef, Long> versions = versions();
        if (versions.size() != 1) {
            throw new IllegalStateException("this command read " + versions.size() + " entities " + versions.keySet()
                    + "; ask versions() or versionOf(entity)");
        }
        return versions.keySet().iterator().next();
    }

    /**
     * The version of the one entity a one-entity command was for, after the command.
     *
     * @throws IllegalStateException when the command read several entities (use {@link #versionOf(EntityKey)})
     */
    default long version() {
        return versions().get(entity());
    }

    /**
     * The version of one entity the command read, after the command.
     *
     * @throws IllegalArgumentException when the command did not read it
     */
    default long versionOf(EntityRef entity) {
        Long version = versions().get(entity);
        if (version == null) {
            throw new IllegalArgumentException(entity + " was not read by this command; it read "
                    + versions().keySet());
        }
        return version;
    }

    /** {@link #versionOf(EntityRef)} for an entity named as a {@link dev.verdict.decider.MultiDecider} names it. */
    default long versionOf(EntityKey entity) {
        return versionOf(EntityRef.of(entity));
    }

    /** Whether the command's events are stored (now, or by an earlier send of the same command id). */
    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** Applies the function matching this outcome: the Java 17 stand-in for a pattern {@code switch}. */
    default <R> R map(
            Function<? super Accepted<S, E>, ? extends R> ifAccepted,
            Function<? super Unchanged<S, E>, ? extends R> ifUnchanged,
            Function<? super Rejected<S, E>, ? extends R> ifRejected) {
        if (this instanceof Accepted<S, E> accepted) {
            return ifAccepted.apply(accepted);
        }
        if (this instanceof Unchanged<S, E> unchanged) {
            return ifUnchanged.apply(unchanged);
        }
        return ifRejected.apply((Rejected<S, E>) this);
    }

    /**
     * The command's events are stored, on every entity they were routed to, in one append.
     *
     * @param events the command's events with their entities and stream sequences, in the order decided
     * @param versions every entity read, in the order read, with its version after the command
     * @param state the state after the command
     * @param duplicate {@code true} when this command id had already been appended (a re-send after a lost answer):
     *     nothing new was written, {@code events} are the originally stored ones, and {@code versions}/{@code state}
     *     are the current ones, which include them
     */
    record Accepted<S, E>(List<AppendedEvent<E>> events, Map<EntityRef, Long> versions, S state, boolean duplicate)
            implements Outcome<S, E> {
        public Accepted {
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an accepted command has at least one event");
            }
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
            for (AppendedEvent<E> event : events) {
                if (!versions.containsKey(event.entity())) {
                    throw new IllegalArgumentException(
                            "an event stored on " + event.entity() + ", which was not read: " + versions.keySet());
                }
            }
        }

        /** The outcome of a one-entity command: its events, all on {@code entity}, and its version after them. */
        public Accepted(EntityRef entity, List<AppendedEvent<E>> events, long version, S state, boolean duplicate) {
            this(events, Map.of(entity, version), state, duplicate);
        }

        /** The events stored on one entity, in order (empty for an entity only read). */
        public List<AppendedEvent<E>> eventsOf(EntityRef entity) {
            List<AppendedEvent<E>> of = new ArrayList<>();
            for (AppendedEvent<E> e : events) {
                if (e.entity().equals(entity)) {
                    of.add(e);
                }
            }
            return List.copyOf(of);
        }

        /** {@link #eventsOf(EntityRef)} for an entity named as a {@link dev.verdict.decider.MultiDecider} names it. */
        public List<AppendedEvent<E>> eventsOf(EntityKey entity) {
            return eventsOf(EntityRef.of(entity));
        }
    }

    /**
     * The decider returned no events: the entities already are as the command wants them. Nothing was written.
     *
     * @param versions every entity read, in the order read, with its (unchanged) version
     * @param state the (unchanged) state decided on
     */
    record Unchanged<S, E>(Map<EntityRef, Long> versions, S state) implements Outcome<S, E> {
        public Unchanged {
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
        }

        /** The outcome of a one-entity command. */
        public Unchanged(EntityRef entity, long version, S state) {
            this(Map.of(entity, version), state);
        }
    }

    /**
     * The decider refused the command for a business reason. Nothing was written; the runtime never retries a
     * rejection.
     *
     * @param rejection the refusal, with its stable {@link DomainRejection#code()}; for a re-sent command whose
     *     rejection the command-id index remembers, a {@link RememberedRejection} with the original code and message
     * @param versions every entity read with the version the command was decided on (for a remembered rejection: the
     *     current version)
     * @param state the state the command was decided on (for a remembered rejection: the current state)
     */
    record Rejected<S, E>(DomainRejection rejection, Map<EntityRef, Long> versions, S state) implements Outcome<S, E> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
        }

        /** The outcome of a one-entity command. */
        public Rejected(EntityRef entity, DomainRejection rejection, long version, S state) {
            this(rejection, Map.of(entity, version), state);
        }
    }

    private static Map<EntityRef, Long> copy(Map<EntityRef, Long> versions) {
        Objects.requireNonNull(versions, "versions");
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a command reads at least one entity");
        }
        // one entity (the common case): Map.of's copy is the map itself; several keep the order they were read in
        return versions.size() == 1 ? Map.copyOf(versions) : Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }
}
