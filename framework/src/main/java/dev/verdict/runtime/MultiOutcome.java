package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What became of a command over several entities: {@link Accepted} (its events are stored, on all entities at once),
 * {@link Unchanged} or {@link Rejected} (nothing was written to any entity). Like {@link Outcome}: conflicts are
 * resolved by the runtime, bugs propagate.
 *
 * <p>Every outcome carries the combined state and the version of every entity read, after the command.
 *
 * <pre>{@code
 * MultiOutcome<CombinedState<Prescription, Inventory>, Object> outcome =
 *         dispenses.handle(new DispenseFill("rx-1", "aspirin", 5), CommandContext.withCommandId(key));
 * int status = outcome.map(accepted -> 200, unchanged -> 200, rejected -> 409);
 * long stockVersion = outcome.versionOf(EntityKey.of("inventory", "aspirin"));
 * }</pre>
 *
 * @param <S> the combined state
 * @param <E> the event type
 */
public sealed interface MultiOutcome<S, E>
        permits MultiOutcome.Accepted, MultiOutcome.Unchanged, MultiOutcome.Rejected {

    /** The combined state after the command. */
    S state();

    /** Every entity the command read, in the order read, with its version after the command. */
    Map<EntityKey, Long> versions();

    /** The version of one entity read after the command. */
    default long versionOf(EntityKey entity) {
        Long version = versions().get(entity);
        if (version == null) {
            throw new IllegalArgumentException(entity + " was not read by this command; it read "
                    + versions().keySet());
        }
        return version;
    }

    /** Whether the command's events are stored (now, or by an earlier send of the same command id). */
    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** Applies the function matching this outcome: the Java 17 stand-in for a pattern {@code switch}. */
    <R> R map(
            Function<? super Accepted<S, E>, ? extends R> ifAccepted,
            Function<? super Unchanged<S, E>, ? extends R> ifUnchanged,
            Function<? super Rejected<S, E>, ? extends R> ifRejected);

    /**
     * An event a command over several entities stored: the entity, its stream sequence (that entity's version right
     * after it) and the event.
     */
    record StoredEvent<E>(EntityKey entity, long sequence, E event) {
        public StoredEvent {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * The command's events are stored, on every entity they were routed to, in one atomic append.
     *
     * @param events the events with their entities and sequences, in the order decided
     * @param versions every entity read with its version after the command
     * @param state the combined state after the command
     * @param duplicate {@code true} when this command id had already been appended (a re-send): nothing new was
     *     written, {@code events} are the originally stored ones, {@code versions} and {@code state} are current
     */
    record Accepted<S, E>(List<StoredEvent<E>> events, Map<EntityKey, Long> versions, S state, boolean duplicate)
            implements MultiOutcome<S, E> {
        public Accepted {
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an accepted command has at least one event");
            }
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
        }

        /** The events stored on one entity, in order (empty for an entity only read). */
        public List<AppendedEvent<E>> eventsOf(EntityKey entity) {
            List<AppendedEvent<E>> of = new ArrayList<>();
            for (StoredEvent<E> e : events) {
                if (e.entity().equals(entity)) {
                    of.add(new AppendedEvent<>(e.sequence(), e.event()));
                }
            }
            return List.copyOf(of);
        }

        @Override
        public <R> R map(
                Function<? super Accepted<S, E>, ? extends R> ifAccepted,
                Function<? super Unchanged<S, E>, ? extends R> ifUnchanged,
                Function<? super Rejected<S, E>, ? extends R> ifRejected) {
            return ifAccepted.apply(this);
        }
    }

    /**
     * The decider returned no events; nothing was written.
     *
     * @param versions every entity read with its (unchanged) version
     * @param state the combined state decided on
     */
    record Unchanged<S, E>(Map<EntityKey, Long> versions, S state) implements MultiOutcome<S, E> {
        public Unchanged {
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
        }

        @Override
        public <R> R map(
                Function<? super Accepted<S, E>, ? extends R> ifAccepted,
                Function<? super Unchanged<S, E>, ? extends R> ifUnchanged,
                Function<? super Rejected<S, E>, ? extends R> ifRejected) {
            return ifUnchanged.apply(this);
        }
    }

    /**
     * The decider refused the command for a business reason; nothing was written to any entity, never retried.
     *
     * @param rejection the refusal, with its stable {@link DomainRejection#code()}
     * @param versions every entity read with the version the command was decided on
     * @param state the combined state decided on
     */
    record Rejected<S, E>(DomainRejection rejection, Map<EntityKey, Long> versions, S state)
            implements MultiOutcome<S, E> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
            versions = copy(versions);
            Objects.requireNonNull(state, "state");
        }

        @Override
        public <R> R map(
                Function<? super Accepted<S, E>, ? extends R> ifAccepted,
                Function<? super Unchanged<S, E>, ? extends R> ifUnchanged,
                Function<? super Rejected<S, E>, ? extends R> ifRejected) {
            return ifRejected.apply(this);
        }
    }

    private static Map<EntityKey, Long> copy(Map<EntityKey, Long> versions) {
        Objects.requireNonNull(versions, "versions");
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a command reads at least one entity");
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }
}
