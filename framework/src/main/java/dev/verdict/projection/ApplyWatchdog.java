package dev.verdict.projection;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running runner's watchdog: one daemon thread that checks every worker's call into the projection against the
 * apply timeout, ten times per timeout (see {@link PartitionWorker#checkOverdue()}).
 */
final class ApplyWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final ScheduledExecutorService executor;

    ApplyWatchdog(String projection, Duration applyTimeout, List<? extends PartitionWorker<?>> workers) {
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "verdict-projection-" + projection + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, applyTimeout.toMillis() / 10);
        executor.scheduleAtFixedRate(
                () -> {
                    for (PartitionWorker<?> w : workers) {
                        try {
                            w.checkOverdue();
                        } catch (RuntimeException e) {
                            LOG.warn("projection '{}': watchdog check failed: {}", projection, e.toString());
                        }
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
