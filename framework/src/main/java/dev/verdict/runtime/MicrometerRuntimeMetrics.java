package dev.verdict.runtime;

import dev.verdict.store.Category;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * {@link RuntimeMetrics} recorded to a Micrometer {@link MeterRegistry}. Needs {@code io.micrometer:micrometer-core}
 * on the classpath (an optional dependency of Verdict); nothing else in the runtime refers to Micrometer.
 *
 * <p>Meters (every one tagged with {@code category}):
 *
 * <ul>
 *   <li>{@code verdict.commands} (timer) – tag {@code outcome}: accepted, duplicate, unchanged, rejected,
 *       retries_exhausted, failed;
 *   <li>{@code verdict.conflicts}, {@code verdict.retries} (counters);
 *   <li>{@code verdict.load} (timer) and {@code verdict.load.events} (distribution summary of events read) – tag
 *       {@code source}: cache, snapshot, events, catch_up;
 *   <li>{@code verdict.snapshot.lookups} (counter) – tag {@code result}: hit, miss, stale;
 *   <li>{@code verdict.snapshot.writes} (counter) – tag {@code result}: written, failed, dropped.
 * </ul>
 *
 * <pre>{@code
 * CommandRuntime runtime = CommandRuntime.builder(store).metrics(new MicrometerRuntimeMetrics(registry)).build();
 * }</pre>
 */
public final class MicrometerRuntimeMetrics implements RuntimeMetrics {
    private final MeterRegistry registry;

    public MicrometerRuntimeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void commandHandled(Category category, CommandResult result, Duration duration) {
        Timer.builder("verdict.commands")
                .description("commands handled, by outcome")
                .tag("category", category.value())
                .tag("outcome", tag(result))
                .register(registry)
                .record(duration);
    }

    @Override
    public void conflict(Category category) {
        counter("verdict.conflicts", "appends that met a concurrency conflict", category)
                .increment();
    }

    @Override
    public void retry(Category category) {
        counter("verdict.retries", "commands decided again after a conflict", category)
                .increment();
    }

    @Override
    public void loaded(Category category, LoadSource source, long eventsRead, Duration duration) {
        Timer.builder("verdict.load")
                .description("time to obtain an entity's state")
                .tag("category", category.value())
                .tag("source", tag(source))
                .register(registry)
                .record(duration);
        DistributionSummary.builder("verdict.load.events")
                .description("events read to obtain an entity's state")
                .tag("category", category.value())
                .tag("source", tag(source))
                .register(registry)
                .record(eventsRead);
    }

    @Override
    public void snapshotLookup(Category category, SnapshotLookup result) {
        Counter.builder("verdict.snapshot.lookups")
                .description("snapshot lookups, by result")
                .tag("category", category.value())
                .tag("result", tag(result))
                .register(registry)
                .increment();
    }

    @Override
    public void snapshotWrite(Category category, SnapshotWrite result) {
        Counter.builder("verdict.snapshot.writes")
                .description("snapshot writes, by result")
                .tag("category", category.value())
                .tag("result", tag(result))
                .register(registry)
                .increment();
    }

    private Counter counter(String name, String description, Category category) {
        return Counter.builder(name)
                .description(description)
                .tag("category", category.value())
                .register(registry);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
