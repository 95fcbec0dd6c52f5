package dev.verdict.spring;

import dev.verdict.projection.Projection;

/**
 * Wraps every projection of a {@link VerdictProjection} bean before the starter hands it to its runner – e.g. the
 * tracing decorator ({@code dev.verdict.spring.tracing.TracedProjection}). A decorator must delegate every method of
 * {@link Projection}, including the default ones (checkpoints per partition, out-of-order applies, the stream
 * identity), so that the runner's guarantees are unchanged.
 *
 * <pre>{@code
 * @Bean
 * ProjectionDecorator timing(MeterRegistry registry) {
 *     return new ProjectionDecorator() {
 *         public <E> Projection<E> decorate(Projection<E> projection) { return new TimedProjection<>(projection, registry); }
 *     };
 * }
 * }</pre>
 */
public interface ProjectionDecorator {

    /** The projection to run instead of {@code projection}; never null (return {@code projection} to leave it). */
    <E> Projection<E> decorate(Projection<E> projection);
}
