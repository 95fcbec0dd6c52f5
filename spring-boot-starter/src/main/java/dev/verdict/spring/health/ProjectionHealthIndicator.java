package dev.verdict.spring.health;

import dev.verdict.projection.PartitionStatus;
import dev.verdict.projection.ProjectionLag;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.ProjectionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one projection runner, from {@link ProjectionRunner#status()} and {@link ProjectionRunner#lag()}:
 *
 * <ul>
 *   <li>{@code UP} while running – on this instance or as a standby ({@code active=false}: another instance applies the
 *       events; that is healthy), caught up or not; while a partition retries because the projection's storage or
 *       the server cannot answer, its entry in {@code partitions} names the cause in {@code waiting};
 *   <li>{@code DOWN} when the runner failed (a poison event with {@code PoisonPolicy.STOP}, an {@code Error}), with
 *       the failure in {@code reason}, and while it is {@code STUCK} (a call into the projection ran past its apply
 *       timeout; this instance gave its consumer up), with the reason;
 *   <li>{@code OUT_OF_SERVICE} when stopped, {@code UNKNOWN} before it started.
 * </ul>
 *
 * <p>Details: {@code state}, {@code active}, {@code caughtUp}, {@code position}, {@code pendingEvents}, {@code
 * applied}, {@code skipped}, {@code deadLettered} (since the runner started), {@code lag} (matching events still to
 * process, asked from the server; {@code lagError} when it did not answer) and {@code partitions}. Being behind does
 * not make a projection DOWN: alert on the lag (the meter {@code verdict.projection.pending}) instead.
 *
 * <pre>{@code
 * Health health = new ProjectionHealthIndicator(runner).health();
 * }</pre>
 */
public final class ProjectionHealthIndicator implements HealthIndicator {
    private final ProjectionRunner<?> runner;

    /** The indicator of this runner. */
    public ProjectionHealthIndicator(ProjectionRunner<?> runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    @Override
    public Health health() {
        ProjectionStatus status = runner.status();
        Health.Builder health = switch (status.state()) {
            case RUNNING -> Health.up();
            case FAILED -> Health.down().withDetail("reason", status.failure().orElse("the runner failed"));
            case STUCK ->
                Health.down().withDetail("reason", status.failure().orElse("a call into the projection hangs"));
            case STOPPED -> Health.status(Status.OUT_OF_SERVICE);
            case NEW -> Health.unknown();
        };
        health.withDetail("state", status.state().name())
                .withDetail("active", status.active())
                .withDetail("caughtUp", status.caughtUp())
                .withDetail("position", status.position())
                .withDetail("pendingEvents", status.pendingEvents())
                .withDetail("applied", status.applied())
                .withDetail("skipped", status.skipped())
                .withDetail("deadLettered", status.deadLettered());
        if (status.state() == dev.verdict.projection.RunnerState.RUNNING) {
            try {
                ProjectionLag lag = runner.lag();
                health.withDetail("lag", lag.pendingEvents())
                        .withDetail("streamLastSequence", lag.streamLastSequence());
            } catch (RuntimeException e) {
                health.withDetail("lagError", String.valueOf(e.getMessage()));
            }
        }
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (PartitionStatus p : status.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partition", p.partition().toString());
            m.put("consumer", p.consumer());
            m.put("active", p.active());
            m.put("position", p.position());
            m.put("caughtUp", p.caughtUp());
            m.put("applied", p.applied());
            p.waiting().ifPresent(reason -> m.put("waiting", reason));
            partitions.add(m);
        }
        health.withDetail("partitions", partitions);
        return health.build();
    }
}
