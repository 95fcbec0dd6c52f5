/**
 * Running read models and process managers on JetStream consumers.
 *
 * <p>The API: {@link dev.verdict.projection.Projection} (what a read model implements: apply, checkpoint, reset),
 * {@link dev.verdict.projection.ProjectionRunner} (runs one on a consumer: failover across instances, partitions,
 * retries, dead letters, rebuilds, caught-up and lag), {@link dev.verdict.projection.ViewProjection} (a pure {@link
 * dev.verdict.decider.View} held in memory) and the status and failure types. The consumer engine behind the runner is
 * package-private. JDBC read models live in {@code dev.verdict.projection.jdbc}, process managers in {@code
 * dev.verdict.projection.process}. See {@code docs/projections.md}.
 */
package dev.verdict.projection;
