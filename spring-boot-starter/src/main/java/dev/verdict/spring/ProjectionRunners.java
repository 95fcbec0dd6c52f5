package dev.verdict.spring;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The projection runners of the application: one per {@link VerdictProjection} bean, plus every {@link
 * ProjectionRunner} bean the application declares itself. Started with the application context (unless {@code
 * verdict.projections.auto-startup=false}) and stopped with it: {@link ProjectionRunner#stop()} finishes the event in
 * hand and hands the consumers over to another instance at once.
 *
 * <p>Lifecycle phase {@link #PHASE}: the runners start before the web server accepts requests and stop after it
 * stopped taking them (graceful shutdown), and the command runtime – which process managers send commands through – is
 * closed only after every runner stopped.
 *
 * <pre>{@code
 * @Autowired ProjectionRunners runners;
 * runners.runner("prescription-list").orElseThrow().caughtUp().get(30, TimeUnit.SECONDS);
 * }</pre>
 */
public final class ProjectionRunners implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunners.class);

    /** The lifecycle phase of the runners: before the web server ({@code SmartLifecycle.DEFAULT_PHASE - 1024}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Map<String, ProjectionRunner<?>> runners;
    private final boolean autoStartup;
    private volatile boolean running;

    /**
     * The runners of the given projections (each decorated by the decorators, in order) and of the given runners.
     *
     * @throws IllegalStateException when two projections have the same name
     */
    public ProjectionRunners(
            Connection connection,
            List<VerdictProjection<?>> projections,
            List<ProjectionRunner<?>> ownRunners,
            List<ProjectionDecorator> decorators,
            boolean autoStartup) {
        Objects.requireNonNull(connection, "connection");
        Map<String, ProjectionRunner<?>> all = new LinkedHashMap<>();
        for (VerdictProjection<?> projection : projections) {
            add(all, build(connection, projection, decorators));
        }
        for (ProjectionRunner<?> runner : ownRunners) {
            add(all, runner);
        }
        this.runners = java.util.Collections.unmodifiableMap(all);
        this.autoStartup = autoStartup;
    }

    private static void add(Map<String, ProjectionRunner<?>> all, ProjectionRunner<?> runner) {
        if (all.putIfAbsent(runner.name(), runner) != null) {
            throw new IllegalStateException("two projections are named '" + runner.name()
                    + "': a projection's name names its consumer and checkpoint, so it must be unique");
        }
    }

    private static <E> ProjectionRunner<E> build(
            Connection connection, VerdictProjection<E> descriptor, List<ProjectionDecorator> decorators) {
        Projection<E> projection = descriptor.projection();
        for (ProjectionDecorator decorator : decorators) {
            projection = Objects.requireNonNull(decorator.decorate(projection), "decorated projection");
        }
        ProjectionRunner.Builder<E> builder =
                NatsProjections.runner(connection, descriptor.filter(), descriptor.codec(), projection);
        descriptor.options().accept(builder);
        return builder.build();
    }

    /** Every runner, by projection name, in the order of their beans. */
    public Map<String, ProjectionRunner<?>> runners() {
        return runners;
    }

    /** The runner of the projection with this name, if there is one. */
    public Optional<ProjectionRunner<?>> runner(String projectionName) {
        return Optional.ofNullable(runners.get(projectionName));
    }

    /** Starts every runner that is not running. */
    @Override
    public void start() {
        for (ProjectionRunner<?> runner : runners.values()) {
            try {
                runner.start();
                LOG.info("projection '{}' started", runner.name());
            } catch (IllegalStateException alreadyRunning) {
                LOG.debug("projection '{}' was already running", runner.name());
            }
        }
        running = true;
    }

    /**
     * Stops every runner after the event in hand, all at once (each waits at most 30 s; while NATS is unreachable a
     * runner may need several seconds), and returns when all stopped.
     */
    @Override
    public void stop() {
        List<Thread> stopping = new ArrayList<>();
        for (ProjectionRunner<?> runner : runners.values()) {
            Thread thread = new Thread(() -> stop(runner), "verdict-stop-" + runner.name());
            thread.setDaemon(true);
            thread.start();
            stopping.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : stopping) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        running = false;
    }

    private static void stop(ProjectionRunner<?> runner) {
        try {
            runner.stop();
            LOG.info("projection '{}' stopped", runner.name());
        } catch (RuntimeException e) {
            LOG.warn("projection '{}' did not stop cleanly: {}", runner.name(), e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
