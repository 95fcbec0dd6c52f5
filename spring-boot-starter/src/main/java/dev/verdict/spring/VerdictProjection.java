package dev.verdict.spring;

import dev.verdict.decider.EntityType;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A projection the starter runs: the {@link Projection}, the events it reads ({@link SubjectFilter}), their {@link
 * EventCodec} and the runner's options. Declare one as a bean; the starter builds a {@link ProjectionRunner} for it,
 * starts it with the application context and stops it gracefully with it (see {@link ProjectionRunners}).
 *
 * <p>A bare {@code Projection} bean is not enough: a runner needs to know which subjects to read and how to decode
 * them, which a projection does not carry.
 *
 * <pre>{@code
 * @Bean
 * VerdictProjection<RxEvent> prescriptionList(DataSource dataSource) {
 *     return VerdictProjection.of(
 *                     JdbcProjection.of("prescription-list", dataSource, handler, reset),
 *                     SubjectFilter.category(StoreName.of("pharmacy"), PrescriptionDecider.TYPE),
 *                     JsonEventCodec.of(RxEvent.class))
 *             .withOptions(runner -> runner.partitions(2).failoverAfter(Duration.ofSeconds(3)));
 * }
 * }</pre>
 *
 * <p>Immutable; {@link #withOptions} returns a copy.
 *
 * @param <E> the events the projection reads
 */
public final class VerdictProjection<E> {
    private final Projection<E> projection;
    private final SubjectFilter filter;
    private final EventCodec<E> codec;
    private final Consumer<ProjectionRunner.Builder<E>> options;

    private VerdictProjection(
            Projection<E> projection,
            SubjectFilter filter,
            EventCodec<E> codec,
            Consumer<ProjectionRunner.Builder<E>> options) {
        this.projection = Objects.requireNonNull(projection, "projection");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A projection over the filter with the runner's defaults (failover mode, see {@link ProjectionRunner}). */
    public static <E> VerdictProjection<E> of(Projection<E> projection, SubjectFilter filter, EventCodec<E> codec) {
        return new VerdictProjection<>(projection, filter, codec, builder -> {});
    }

    /**
     * A projection over the events of one entity type – {@code of(projection, SubjectFilter.category(store, type),
     * codec)} – with the runner's defaults. The type, the codec and the projection agree on the event type, so a codec
     * or a projection of another entity's events does not compile.
     *
     * <pre>{@code
     * VerdictProjection.of(readModel, store.storeName(), PrescriptionDecider.TYPE, PrescriptionEvents.CODEC);
     * }</pre>
     */
    public static <E> VerdictProjection<E> of(
            Projection<E> projection, StoreName store, EntityType<?, ?, E> type, EventCodec<E> codec) {
        return of(projection, SubjectFilter.category(store, type), codec);
    }

    /**
     * The same projection with runner options applied to the runner's builder (after the starter's own: partitions,
     * ephemeral mode, retry and poison policies, dead-letter store, batch size, ...).
     */
    public VerdictProjection<E> withOptions(Consumer<ProjectionRunner.Builder<E>> options) {
        Objects.requireNonNull(options, "options");
        return new VerdictProjection<>(projection, filter, codec, this.options.andThen(options));
    }

    /** The projection. */
    public Projection<E> projection() {
        return projection;
    }

    /** The subjects it reads. */
    public SubjectFilter filter() {
        return filter;
    }

    /** The codec of its events. */
    public EventCodec<E> codec() {
        return codec;
    }

    /** The options applied to the runner's builder. */
    public Consumer<ProjectionRunner.Builder<E>> options() {
        return options;
    }

    @Override
    public String toString() {
        return "VerdictProjection[" + projection.name() + " on " + filter.subjects() + "]";
    }
}
