package dev.verdict.projection;

import java.util.OptionalLong;

/**
 * A read model fed by a {@link ProjectionRunner}: it applies events in stream order and, ideally, keeps its own
 * checkpoint – the stream sequence of the last event whose effect it stored – together with its data.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #apply} is called from one thread, in increasing stream sequence. Events may be delivered again after
 *       a crash (at-least-once delivery). A projection that stores {@code sequence()} with its data atomically and
 *       ignores events at or below its checkpoint has an <b>exactly-once effect</b> ({@link JdbcProjection} does).
 *   <li>{@link #checkpoint} is read when the runner starts: the runner resumes after it. Empty means the projection
 *       keeps no checkpoint; the durable consumer's acknowledgements are then the only position, and an event applied
 *       just before a crash may be applied twice.
 *   <li>{@link #apply} throwing an exception means "not applied": the runner retries with backoff, then dead-letters
 *       the event (see {@link PoisonPolicy}). Throw nothing you want to keep partially applied.
 *   <li>{@link #reset} clears the data and the checkpoint before a rebuild.
 * </ul>
 *
 * <pre>{@code
 * Projection<CounterEvent> p = ViewProjection.of("counter", View.of(0, (sum, e) -> sum + 1));
 * }</pre>
 *
 * @param <E> the events it reads
 */
public interface Projection<E> {

    /** The projection's name: one subject token (letters, digits, {@code -}, {@code _}); names its consumer. */
    String name();

    /** The stream sequence of the last applied event as stored with the data, or empty when not tracked. */
    OptionalLong checkpoint();

    /** Applies one event (and, for a checkpointed projection, its sequence as the new checkpoint, atomically). */
    void apply(DeliveredEvent<E> event);

    /**
     * Applies an event out of order: a dead letter being replayed, older than the checkpoint. The default calls
     * {@link #apply}; a checkpointed projection must apply it without moving its checkpoint back.
     */
    default void applyOutOfOrder(DeliveredEvent<E> event) {
        apply(event);
    }

    /** Deletes the projection's data and checkpoint, so a rebuild starts from nothing. */
    void reset();
}
