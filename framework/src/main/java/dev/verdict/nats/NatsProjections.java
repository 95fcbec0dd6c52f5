package dev.verdict.nats;

import dev.verdict.decider.EntityType;
import dev.verdict.projection.EventMessageReader;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventFeeds;
import io.nats.client.Connection;
import java.util.Objects;

/**
 * Projection runners on a NATS connection: the JetStream consumers of the filter's stream ({@link NatsEventFeeds})
 * given to {@link ProjectionRunner#builder(dev.verdict.store.EventFeeds, SubjectFilter, EventCodec, Projection)}.
 * Everything the runner guarantees (failover, partitions, retries, dead letters – by default in the bucket {@code
 * verdict-dead-letters} with the stream's replica count) is described on {@link ProjectionRunner}; this class only
 * chooses the NATS feeds. Without a server, the test kit's {@code InMemoryEventStore.feeds()} takes their place.
 *
 * <pre>{@code
 * ProjectionRunner<PrescriptionEvent> runner = NatsProjections.runner(connection,
 *                 StoreName.of("pharmacy"), PrescriptionDecider.TYPE,       // or a SubjectFilter
 *                 codec, JdbcProjection.of("prescription-list", dataSource, handler, reset))
 *         .partitions(4)                     // any setting of ProjectionRunner.Builder
 *         .build();
 * runner.start();
 * }</pre>
 */
public final class NatsProjections {
    private NatsProjections() {}

    /**
     * Starts configuring a runner for the projection over the filter, reading the filter's stream on {@code
     * connection} with the event store's standard mapping ({@link EventMessageReader#of}). The same as {@code
     * ProjectionRunner.builder(new NatsEventFeeds(connection, filter.store(), filter.stream()), filter, codec,
     * projection)}.
     */
    public static <E> ProjectionRunner.Builder<E> runner(
            Connection connection, SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
        return ProjectionRunner.builder(feeds(connection, filter), filter, codec, projection);
    }

    /**
     * Starts configuring a runner for the projection over the events of one entity type in {@code store}: the same as
     * {@code runner(connection, SubjectFilter.category(store, type), codec, projection)}. The type, the codec and the
     * projection agree on the event type, so a codec or a projection of another entity's events does not compile.
     */
    public static <E> ProjectionRunner.Builder<E> runner(
            Connection connection,
            StoreName store,
            EntityType<?, ?, E> type,
            EventCodec<E> codec,
            Projection<E> projection) {
        return runner(connection, SubjectFilter.category(store, type), codec, projection);
    }

    /** Starts configuring a runner for the projection over the filter on {@code connection}, with a custom reader. */
    public static <E> ProjectionRunner.Builder<E> runner(
            Connection connection,
            SubjectFilter filter,
            EventCodec<E> codec,
            EventMessageReader reader,
            Projection<E> projection) {
        return ProjectionRunner.builder(feeds(connection, filter), filter, codec, reader, projection);
    }

    private static NatsEventFeeds feeds(Connection connection, SubjectFilter filter) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(filter, "filter");
        return new NatsEventFeeds(connection, filter.store(), filter.stream());
    }
}
