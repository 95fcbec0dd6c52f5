package dev.verdict.projection;

import java.util.OptionalLong;

/**
 * A read model fed by a {@link ProjectionRunner}: it applies events in stream order and, ideally, keeps its own
 * checkpoint – the stream sequence of the last event whose effect it stored – together with its data.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #apply} is called in increasing stream sequence of each partition, by one thread per runner. With
 *       several instances of a service, each running the projection, two runners may apply the same events during a
 *       take-over (a paused instance finishes the messages it holds). A projection that stores {@code sequence()} with
 *       its data atomically, <b>on the condition</b> that the stored checkpoint is still {@link
 *       DeliveredEvent#expectedCheckpoint()} (skipping events at or below the stored checkpoint, and throwing {@link
 *       CheckpointMoved} otherwise), has an <b>exactly-once effect</b> whatever the number of runners ({@code
 *       dev.verdict.projection.jdbc.JdbcProjection} does).
 *   <li>{@link #checkpoint(Partition)} is read each time a runner becomes the active one for a partition: it resumes
 *       right after it, so it must be read from storage, not from a value cached earlier. Empty means the projection
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

    /**
     * The checkpoint of one partition of a partitioned projection: the sequence of the last event of that partition
     * whose effect is stored. The default serves only {@link Partition#WHOLE} (with {@link #checkpoint()}); a projection
     * that can be partitioned keeps one checkpoint per partition and overrides this.
     *
     * @throws UnsupportedOperationException for a partition other than {@link Partition#WHOLE}, by default
     */
    default OptionalLong checkpoint(Partition partition) {
        if (partition.isWhole()) {
            return checkpoint();
        }
        throw new UnsupportedOperationException("projection '" + name()
                + "' keeps a single checkpoint and cannot be partitioned (override checkpoint(Partition))");
    }

    /** Applies one event (and, for a checkpointed projection, its sequence as the new checkpoint, atomically). */
    void apply(DeliveredEvent<E> event);

    /**
     * Whether {@link #applyBatch} is worth calling: a projection that stores a batch of events with one write (one
     * transaction, one checkpoint) says yes, and the runner hands it consecutive events in batches. Defaults to false.
     */
    default boolean appliesBatches() {
        return false;
    }

    /**
     * Applies consecutive events of one partition, in stream order, all or none: a projection that stores a
     * checkpoint writes the last event's sequence, on the condition that the stored checkpoint is the first event's
     * {@link DeliveredEvent#expectedCheckpoint()} (as for {@link #apply}). Throwing anything means nothing was applied:
     * the runner then applies the events one by one, so a failing event is retried and dead-lettered alone. The
     * default applies them one by one.
     *
     * <p>When upcasting reads one stored message as several events ({@code dev.verdict.store.codec.EventUpcaster}),
     * those events share the message's sequence and expectation and always arrive together in one call of this
     * method, even when {@link #appliesBatches()} is false: a projection that skips events at or below its checkpoint
     * must compare the sequences with its checkpoint as it was when the call began (as {@link ViewProjection} and the
     * JDBC and process projections do), so the second event of a message is not taken for a duplicate. A message
     * upcast to no event is not delivered at all; the checkpoint stays at the last message that yielded one.
     */
    default void applyBatch(java.util.List<DeliveredEvent<E>> events) {
        for (DeliveredEvent<E> event : events) {
            apply(event);
        }
    }

    /**
     * Applies an event out of order: a dead letter being replayed, older than the checkpoint. The default calls
     * {@link #apply}; a checkpointed projection must apply it without moving its checkpoint back.
     */
    default void applyOutOfOrder(DeliveredEvent<E> event) {
        apply(event);
    }

    /**
     * The identity of the stream its checkpoints were made from (see {@link #recordStreamIdentity}), empty when none
     * is recorded or the projection does not keep one. When the runner finds the stream's identity changed – the
     * stream was deleted and created again, so sequences now name other events – it discards data and checkpoints
     * with {@link #resetForNewStream()} and applies the new stream from its first event. The default keeps none.
     */
    default java.util.Optional<String> streamIdentity() {
        return java.util.Optional.empty();
    }

    /** Records the identity of the stream the checkpoints refer to from now on. The default keeps none. */
    default void recordStreamIdentity(String identity) {}

    /**
     * Discards data and checkpoints because the stream they were made from is gone (deleted and created again). The
     * default is {@link #reset()}; a process manager overrides it so that the new stream's events are not mistaken for
     * ones it already reacted to.
     */
    default void resetForNewStream() {
        reset();
    }

    /** Deletes the projection's data and its checkpoints (of every partition), so a rebuild starts from nothing. */
    void reset();
}
