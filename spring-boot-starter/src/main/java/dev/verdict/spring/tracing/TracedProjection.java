package dev.verdict.spring.tracing;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Partition;
import dev.verdict.projection.Projection;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A projection whose {@code apply} (and {@code applyOutOfOrder}) runs inside an observation {@value
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
