package dev.verdict.projection;

import dev.verdict.store.RecordedEvent;
import java.util.Objects;

/**
 * An event as a projection receives it: decoded, with its stored envelope (entity, stream sequence, ids, context),
 * the partition it belongs to, and the checkpoint the runner expects the projection to hold before it.
 *
 * <pre>{@code
 * void apply(DeliveredEvent<PrescriptionEvent> delivered) {
 *     long position = delivered.sequence();          // the stream sequence, the projection's checkpoint after it
 *     PrescriptionEvent event = delivered.event();
 * }
 * }</pre>
 *
 * @param event the decoded event
 * @param recorded the stored envelope it was decoded from
 * @param partition the partition of the event's entity ({@link Partition#WHOLE} when the projection is not
 *     partitioned)
 * @param expectedCheckpoint the checkpoint of {@code partition} that the runner last saw (the sequence of the previous
 *     event it applied or the checkpoint it resumed after), or {@code -1} when unknown. A projection that stores its
 *     checkpoint can apply the event only if the stored checkpoint still equals it – then no other runner and no
 *     rebuild came in between – and otherwise throw {@link CheckpointMoved} (or skip, when the stored checkpoint is
 *     already at or past {@code sequence()}).
 * @param <E> the event type
 */
public record DeliveredEvent<E>(E event, RecordedEvent recorded, Partition partition, long expectedCheckpoint) {
    public DeliveredEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(partition, "partition");
        if (expectedCheckpoint < -1) {
            throw new IllegalArgumentException(
                    "expectedCheckpoint must be -1 or a sequence, was " + expectedCheckpoint);
        }
    }

    /** An event of an unpartitioned projection, without an expected checkpoint (tests, replays). */
    public DeliveredEvent(E event, RecordedEvent recorded) {
        this(event, recorded, Partition.WHOLE, -1);
    }

    /** The JetStream stream sequence of the event: strictly increasing in the order a projection sees events. */
    public long sequence() {
        return recorded.sequence();
    }
}
