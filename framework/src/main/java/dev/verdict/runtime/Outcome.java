package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.store.EntityRef;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What became of a command: {@link Accepted} (events stored), {@link Unchanged} (the decider had nothing to do, nothing
 * was written) or {@link Rejected} (a {@link DomainRejection}, nothing was written, never retried). Conflicts are not
 * outcomes – the runtime resolves them – and bugs (any other exception of the decider or the store) propagate
 * unchanged instead of being turned into an outcome.
 *
 * <p>Every outcome carries the entity's state and version after the command, so a caller can answer without loading
 * again.
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
 * }</pre>
 *
 * @param <S> the state type
 * @param <E> the event type
 */
public sealed interface Outcome<S, E> permits Outcome.Accepted, Outcome.Unchanged, Outcome.Rejected {

    /** The entity the command was for. */
    EntityRef entity();

    /** The entity's state after the command. */
    S state();

    /** The entity's version after the command (the sequence of its last event, 0 when it has none). */
    long version();

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
     * The command's events are stored.
     *
     * @param entity the entity
     * @param events the command's events with their stream sequences, in order
     * @param version the entity's version after them
     * @param state the entity's state at {@code version}
     * @param duplicate {@code true} when this command id had already been appended (a re-send after a lost answer):
     *     nothing new was written, {@code events} are the originally stored ones, and {@code version}/{@code state}
     *     are the entity's current ones, which include them
     */
    record Accepted<S, E>(EntityRef entity, List<AppendedEvent<E>> events, long version, S state, boolean duplicate)
            implements Outcome<S, E> {
        public Accepted {
            Objects.requireNonNull(entity, "entity");
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an accepted command has at least one event");
            }
            Objects.requireNonNull(state, "state");
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
     * The decider returned no events: the entity already is as the command wants it. Nothing was written.
     *
     * @param entity the entity
     * @param version the entity's (unchanged) version
     * @param state the entity's (unchanged) state
     */
    record Unchanged<S, E>(EntityRef entity, long version, S state) implements Outcome<S, E> {
        public Unchanged {
            Objects.requireNonNull(entity, "entity");
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
     * The decider refused the command for a business reason. Nothing was written; the runtime never retries a
     * rejection.
     *
     * @param entity the entity
     * @param rejection the refusal, with its stable {@link DomainRejection#code()}; for a re-sent command whose
     *     rejection the command-id index remembers, a {@link RememberedRejection} with the original code and message
     * @param version the version the command was decided on (for a remembered rejection: the entity's current
     *     version)
     * @param state the state the command was decided on (for a remembered rejection: the entity's current state)
     */
    record Rejected<S, E>(EntityRef entity, DomainRejection rejection, long version, S state) implements Outcome<S, E> {
        public Rejected {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(rejection, "rejection");
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
}
