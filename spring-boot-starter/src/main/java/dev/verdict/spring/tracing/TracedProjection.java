package dev.verdict.spring.tracing;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Partition;
import dev.verdict.projection.Projection;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A projection whose {@code apply} (and {@code applyOutOfOrder}, and each event of {@code applyBatch}) runs inside an
 * observation {@value
 * VerdictTracing#APPLY_OBSERVATION} (kind CONSUMER; tags {@code projection}, {@code category}, {@code event.type})
 * that continues the trace found in the event's metadata (e.g. {@code traceparent}, written by {@link
 * VerdictTracing#handle}). Every other method delegates unchanged, so checkpoints, resets and stream identities – and
 * with them the runner's guarantees – are the wrapped projection's. Exceptions (also {@code CheckpointMoved}) are
 * recorded on the observation and rethrown unchanged.
 *
 * <pre>{@code
 * Projection<RxEvent> traced = new TracedProjection<>(projection, observationRegistry);
 * }</pre>
 *
 * @param <E> the events
 */
public final class TracedProjection<E> implements Projection<E> {
    private final Projection<E> delegate;
    private final ObservationRegistry registry;

    /** Wraps the projection. */
    public TracedProjection(Projection<E> delegate, ObservationRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The wrapped projection. */
    public Projection<E> delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public OptionalLong checkpoint() {
        return delegate.checkpoint();
    }

    @Override
    public OptionalLong checkpoint(Partition partition) {
        return delegate.checkpoint(partition);
    }

    @Override
    public void apply(DeliveredEvent<E> event) {
        observation(event).observe(() -> delegate.apply(event));
    }

    @Override
    public boolean appliesBatches() {
        return delegate.appliesBatches();
    }

    /**
     * Applies the batch through the wrapped projection's {@code applyBatch} (one call, e.g. one transaction), inside
     * one observation per event – each continuing its own event's trace, since a batch mixes events of many requests –
     * that all last as long as the batch (tag {@code batch.size}). A failure is recorded on every one of them and
     * rethrown unchanged.
     */
    @Override
    public void applyBatch(List<DeliveredEvent<E>> events) {
        if (events.size() == 1) {
            observation(events.get(0)).observe(() -> delegate.applyBatch(events));
            return;
        }
        List<Observation> observations = new ArrayList<>(events.size());
        String size = Integer.toString(events.size());
        for (DeliveredEvent<E> event : events) {
            observations.add(observation(event)
                    .highCardinalityKeyValue("batch.size", size)
                    .start());
        }
        try {
            delegate.applyBatch(events);
        } catch (RuntimeException | Error e) {
            observations.forEach(observation -> observation.error(e));
            throw e;
        } finally {
            observations.forEach(Observation::stop);
        }
    }

    @Override
    public void applyOutOfOrder(DeliveredEvent<E> event) {
        observation(event).observe(() -> delegate.applyOutOfOrder(event));
    }

    @Override
    public Optional<String> streamIdentity() {
        return delegate.streamIdentity();
    }

    @Override
    public void recordStreamIdentity(String identity) {
        delegate.recordStreamIdentity(identity);
    }

    @Override
    public void resetForNewStream() {
        delegate.resetForNewStream();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    private Observation observation(DeliveredEvent<E> event) {
        ReceiverContext<Map<String, String>> receiver =
                new ReceiverContext<>((carrier, key) -> carrier == null ? null : carrier.get(key), Kind.CONSUMER);
        receiver.setCarrier(event.recorded().metadata());
        receiver.setRemoteServiceName("nats");
        return Observation.createNotStarted(VerdictTracing.APPLY_OBSERVATION, () -> receiver, registry)
                .contextualName("verdict apply " + delegate.name())
                .lowCardinalityKeyValue("projection", delegate.name())
                .lowCardinalityKeyValue(
                        "category", event.recorded().entity().category().value())
                .lowCardinalityKeyValue("event.type", event.recorded().type())
                .highCardinalityKeyValue("event.sequence", Long.toString(event.sequence()));
    }

    @Override
    public String toString() {
        return "Traced[" + delegate + "]";
    }
}
