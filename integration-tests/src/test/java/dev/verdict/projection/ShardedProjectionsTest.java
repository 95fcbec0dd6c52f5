package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.View;
import dev.verdict.nats.ShardedProjections;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Views over every shard of a store sharded over 4 streams: one runner and checkpoint per shard, rebuilt. */
class ShardedProjectionsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    sealed interface Event permits Added {}

    record Added(String entity, int seq) implements Event {}

    static final JsonEventCodec<Event> CODEC = JsonEventCodec.of(Event.class);

    /** The last event seen per entity, and whether every entity's events came in order. */
    record Seen(Map<String, Integer> last, boolean inOrder, int count) {
        static final Seen NONE = new Seen(Map.of(), true, 0);

        Seen with(Added e) {
            Map<String, Integer> next = new HashMap<>(last);
            Integer before = next.put(e.entity(), e.seq());
            boolean ordered = inOrder && (before == null ? e.seq() == 0 : e.seq() == before + 1);
            return new Seen(Map.copyOf(next), ordered, count + 1);
        }
    }

    @Test
    void aViewPerShardSeesEveryEventOfItsShardInOrderPerEntityAndRebuildsTheSame() throws Exception {
        ShardedEventStore store = ShardedEventStore.builder(NATS.connection(), NatsEventStoreConfig.of("viewed"))
                .shards(4)
                .build();
        int[] perShard = new int[4];
        for (int i = 0; i < 20; i++) {
            EntityRef order = EntityRef.of("order", "o-" + i);
            long version = 0;
            for (int seq = 0; seq < 3; seq++) {
                version = store.append(
                                order,
                                version,
                                List.of(CODEC.encode(new Added(order.id().value(), seq))),
                                CommandContext.create())
                        .version();
            }
            perShard[store.shardOf(order)] += 3;
        }
        store.append(EntityRef.of("other", "x"), 0, List.of(CODEC.encode(new Added("x", 0))), CommandContext.create());
        List<ViewProjection<Seen, Event>> views = new ArrayList<>();
        try (ShardedProjections<Event> projections = ShardedProjections.build(
                NATS.connection(),
                store,
                shard -> SubjectFilter.category(shard, Category.of("order")),
                CODEC,
                k -> {
                    ViewProjection<Seen, Event> view = ViewProjection.of(
                            "orders-seen-" + k, View.of(Seen.NONE, (Seen s, Event e) -> s.with((Added) e)));
                    views.add(view);
                    return view;
                },
                UnaryOperator.identity())) {
            assertThat(projections.runners()).as("a runner per shard").hasSize(4);
            projections.start();
            projections.caughtUp().get(60, TimeUnit.SECONDS);
            for (int k = 0; k < 4; k++) {
                assertThat(views.get(k).state().count()).as("shard " + k).isEqualTo(perShard[k]);
                assertThat(views.get(k).state().inOrder()).isTrue();
            }
            assertThat(views.stream().mapToInt(v -> v.state().last().size()).sum())
                    .isEqualTo(20);

            projections.rebuild(progress -> {}).get(60, TimeUnit.SECONDS);
            for (int k = 0; k < 4; k++) {
                assertThat(views.get(k).state().count())
                        .as("shard " + k + " rebuilt")
                        .isEqualTo(perShard[k]);
                assertThat(views.get(k).state().inOrder()).isTrue();
            }
        }
    }

    @Test
    void twoShardsProjectionsOfOneNameOrAFilterOnAnotherStreamAreRefused() {
        ShardedEventStore store = ShardedEventStore.builder(NATS.connection(), NatsEventStoreConfig.of("misnamed"))
                .shards(2)
                .build();
        assertThatThrownBy(() -> ShardedProjections.build(
                        NATS.connection(),
                        store,
                        shard -> SubjectFilter.wholeStore(shard),
                        CODEC,
                        k -> ViewProjection.of("same", View.of(0, (Integer n, Event e) -> n + 1)),
                        UnaryOperator.identity()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both named 'same'");
        assertThatThrownBy(() -> ShardedProjections.build(
                        NATS.connection(),
                        store,
                        shard -> SubjectFilter.wholeStore(StoreName.of("misnamed")),
                        CODEC,
                        k -> ViewProjection.of("n" + k, View.of(0, (Integer n, Event e) -> n + 1)),
                        UnaryOperator.identity()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not on 'misnamed-0'");
    }
}
