package dev.verdict.nats;

import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.RebuildProgress;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.ShardedEventStore;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A projection (or process manager) over every shard of a {@link ShardedEventStore}: one {@link ProjectionRunner} per
 * shard stream, each with its own consumers, its own checkpoint, fail-over, partitions, retries and dead letters –
 * everything a runner does on one stream, per shard. Each shard has its own projection (a view of its own, or a
 * JDBC projection whose checkpoints are kept under the shard's projection name), named distinctly.
 *
 * <p>Order: each runner applies its shard's events in stream order, so an entity's events (all on its shard) arrive in
 * order, and so do the events of entities placed on one shard. Across shards nothing is ordered: an event of shard 1
 * may be applied before an event appended earlier on shard 0, and a process reacting to entities on two shards sees
 * their events in any interleaving. A projection that needs a combined result folds the shards' results when it
 * reads (a sum of per-shard views, a table the shard projections write to by entity).
 *
 * <pre>{@code
 * ShardedProjections<RxEvent> counts = ShardedProjections.build(connection, store,
 *         shard -> SubjectFilter.category(shard, Category.of("prescription")), codec,
 *         k -> ViewProjection.of("rx-count-" + k, View.of(0, (n, e) -> n + 1)),
 *         runner -> runner.partitions(2));                 // any setting, for every shard
 * counts.start();
 * counts.caughtUp().get(30, TimeUnit.SECONDS);
 * }</pre>
 *
 * @param <E> the events the projections read
 */
public final class ShardedProjections<E> implements AutoCloseable {
    private final List<ProjectionRunner<E>> runners;

    private ShardedProjections(List<ProjectionRunner<E>> runners) {
        this.runners = List.copyOf(runners);
    }

    /**
     * The runners of a projection over every shard of {@code store}, built but not started.
     *
     * @param filterOfShard the subject filter on a shard's store ({@code pharmacy-<k>}), e.g. {@code shard ->
     *     SubjectFilter.category(shard, category)}
     * @param projectionOfShard the projection of shard {@code k}; names must differ between shards
     * @param settings applied to every runner's builder ({@code UnaryOperator.identity()} for the defaults)
     * @throws IllegalArgumentException when two shards' projections have the same name, or a filter is on another
     *     stream than its shard's
     */
    public static <E> ShardedProjections<E> build(
            Connection connection,
            ShardedEventStore store,
            Function<StoreName, SubjectFilter> filterOfShard,
            EventCodec<E> codec,
            IntFunction<Projection<E>> projectionOfShard,
            UnaryOperator<ProjectionRunner.Builder<E>> settings) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(filterOfShard, "filterOfShard");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(projectionOfShard, "projectionOfShard");
        Objects.requireNonNull(settings, "settings");
        Set<String> names = new HashSet<>();
        List<ProjectionRunner<E>> runners = new ArrayList<>();
        for (int k = 0; k < store.shardCount(); k++) {
            StoreName shard = store.shard(k).name();
            SubjectFilter filter = Objects.requireNonNull(filterOfShard.apply(shard), "filter of " + shard);
            if (!filter.store().equals(shard)) {
                throw new IllegalArgumentException(
                        "the filter of shard " + k + " is on store '" + filter.store() + "', not on '" + shard + "'");
            }
            Projection<E> projection = Objects.requireNonNull(projectionOfShard.apply(k), "projection of shard " + k);
            if (!names.add(projection.name())) {
                throw new IllegalArgumentException("the projections of two shards are both named '" + projection.name()
                        + "': give each shard's its own name (checkpoints, consumers and dead letters go by it)");
            }
            runners.add(settings.apply(NatsProjections.runner(connection, filter, codec, projection))
                    .build());
        }
        return new ShardedProjections<>(runners);
    }

    /** The runners, by shard. */
    public List<ProjectionRunner<E>> runners() {
        return runners;
    }

    /** Starts every shard's runner. */
    public void start() {
        runners.forEach(ProjectionRunner::start);
    }

    /** Completes when every shard's runner caught up (see {@link ProjectionRunner#caughtUp()}); fails as the first. */
    public CompletableFuture<Void> caughtUp() {
        return CompletableFuture.allOf(
                runners.stream().map(ProjectionRunner::caughtUp).toArray(CompletableFuture[]::new));
    }

    /**
     * Rebuilds every shard's projection from its shard's first event ({@link ProjectionRunner#rebuild}); completes
     * when all caught up, with each shard's final progress.
     */
    public CompletableFuture<List<RebuildProgress>> rebuild(Consumer<RebuildProgress> listener) {
        List<CompletableFuture<RebuildProgress>> each =
                runners.stream().map(r -> r.rebuild(listener)).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    /** Stops every shard's runner (each hands its consumers over to other instances). */
    public void stop() {
        runners.forEach(ProjectionRunner::stop);
    }

    @Override
    public void close() {
        stop();
    }
}
