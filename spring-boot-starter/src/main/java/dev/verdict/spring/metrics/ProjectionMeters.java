package dev.verdict.spring.metrics;

import dev.verdict.projection.PartitionStatus;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.ProjectionStatus;
import dev.verdict.projection.RunnerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Meters of projection runners, read from {@link ProjectionRunner#status()} whenever the registry is scraped (no
 * thread of their own, no server round trip). Per projection (tag {@code projection}):
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>meter</th><th>type</th><th>value</th></tr>
 *   <tr><td>{@code verdict.projection.applied}</td><td>function counter</td><td>events applied by this instance</td></tr>
 *   <tr><td>{@code verdict.projection.skipped}</td><td>function counter</td><td>redelivered events skipped as already applied</td></tr>
 *   <tr><td>{@code verdict.projection.dead.lettered}</td><td>function counter</td><td>events given up on (dead letters)</td></tr>
 *   <tr><td>{@code verdict.projection.position}</td><td>gauge</td><td>stream sequence processed (lowest over the partitions)</td></tr>
 *   <tr><td>{@code verdict.projection.pending}</td><td>gauge</td><td>matching events still to process, as of the last delivery (NaN before one)</td></tr>
 *   <tr><td>{@code verdict.projection.active}</td><td>gauge</td><td>1 when this instance applies events (of at least one partition), 0 on a standby</td></tr>
 *   <tr><td>{@code verdict.projection.caught.up}</td><td>gauge</td><td>1 when caught up at the last check</td></tr>
 *   <tr><td>{@code verdict.projection.running}</td><td>gauge</td><td>1 while running</td></tr>
 *   <tr><td>{@code verdict.projection.failed}</td><td>gauge</td><td>1 when the runner failed (poison event with STOP, an Error)</td></tr>
 * </table>
 *
 * <p>Per partition (tags {@code projection} and {@code partition} = {@code <index>of<count>}, {@code 0of1} when
 * unpartitioned): {@code verdict.projection.partition.applied} and {@code verdict.projection.partition.gaps.filled}
 * (function counters: events applied; times events the consumer had not delivered were read from the stream, e.g.
 * after a take-over), {@code verdict.projection.partition.position} and {@code verdict.projection.partition.active}
 * (gauges). Counters count since the runner started: a restarted runner starts again from 0 (Prometheus' {@code
 * rate} treats that as a counter reset).
 *
 * <pre>{@code
 * new ProjectionMeters(List.of(runner)).bindTo(meterRegistry);
 * }</pre>
 */
public final class ProjectionMeters implements MeterBinder {
    private final List<ProjectionRunner<?>> runners;

    /** Meters for these runners. */
    public ProjectionMeters(Collection<? extends ProjectionRunner<?>> runners) {
        this.runners = List.copyOf(runners);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ProjectionRunner<?> runner : runners) {
            Tags tags = Tags.of("projection", runner.name());
            counter(
                    registry,
                    "verdict.projection.applied",
                    "events applied by this instance",
                    runner,
                    tags,
                    s -> s.applied());
            counter(
                    registry,
                    "verdict.projection.skipped",
                    "redelivered events skipped as already applied",
                    runner,
                    tags,
                    s -> s.skipped());
            counter(
                    registry,
                    "verdict.projection.dead.lettered",
                    "events given up on and dead-lettered",
                    runner,
                    tags,
                    s -> s.deadLettered());
            gauge(
                    registry,
                    "verdict.projection.position",
                    "stream sequence processed",
                    runner,
                    tags,
                    s -> s.position() == Long.MAX_VALUE ? Double.NaN : s.position());
            gauge(
                    registry,
                    "verdict.projection.pending",
                    "matching events still to process",
                    runner,
                    tags,
                    s -> s.pendingEvents() < 0 ? Double.NaN : s.pendingEvents());
            gauge(
                    registry,
                    "verdict.projection.active",
                    "1 when this instance applies the events",
                    runner,
                    tags,
                    s -> s.active() ? 1 : 0);
            gauge(
                    registry,
                    "verdict.projection.caught.up",
                    "1 when caught up at the last check",
                    runner,
                    tags,
                    s -> s.caughtUp() ? 1 : 0);
            gauge(
                    registry,
                    "verdict.projection.running",
                    "1 while running",
                    runner,
                    tags,
                    s -> s.state() == RunnerState.RUNNING ? 1 : 0);
            gauge(
                    registry,
                    "verdict.projection.failed",
                    "1 when the runner failed",
                    runner,
                    tags,
                    s -> s.state() == RunnerState.FAILED ? 1 : 0);
            List<PartitionStatus> partitions = runner.status().partitions();
            for (int i = 0; i < partitions.size(); i++) {
                int index = i;
                PartitionStatus p = partitions.get(i);
                Tags partitionTags = tags.and(
                        "partition",
                        p.partition().index() + "of" + p.partition().count());
                counter(
                        registry,
                        "verdict.projection.partition.applied",
                        "events of the partition applied by this instance",
                        runner,
                        partitionTags,
                        s -> partition(s, index).applied());
                counter(
                        registry,
                        "verdict.projection.partition.gaps.filled",
                        "times undelivered events were read from the stream",
                        runner,
                        partitionTags,
                        s -> partition(s, index).gapsFilled());
                gauge(
                        registry,
                        "verdict.projection.partition.position",
                        "stream sequence processed for the partition",
                        runner,
                        partitionTags,
                        s -> partition(s, index).position());
                gauge(
                        registry,
                        "verdict.projection.partition.active",
                        "1 when this instance applies the partition's events",
                        runner,
                        partitionTags,
                        s -> partition(s, index).active() ? 1 : 0);
            }
        }
    }

    private static PartitionStatus partition(ProjectionStatus status, int index) {
        return status.partitions().get(index);
    }

    private static void counter(
            MeterRegistry registry,
            String name,
            String description,
            ProjectionRunner<?> runner,
            Tags tags,
            ToDoubleFunction<ProjectionStatus> value) {
        FunctionCounter.builder(name, runner, r -> value.applyAsDouble(r.status()))
                .description(description)
                .baseUnit("events")
                .tags(tags)
                .register(registry);
    }

    private static void gauge(
            MeterRegistry registry,
            String name,
            String description,
            ProjectionRunner<?> runner,
            Tags tags,
            ToDoubleFunction<ProjectionStatus> value) {
        Gauge.builder(name, runner, r -> value.applyAsDouble(r.status()))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }
}
