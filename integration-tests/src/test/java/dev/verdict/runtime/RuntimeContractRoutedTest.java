package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.routing.CommandCodec;
import dev.verdict.routing.CommandRouting;
import dev.verdict.routing.RoutedEntity;
import dev.verdict.routing.RoutedMultiEntity;
import dev.verdict.routing.RoutingCounts;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RuntimeContract} owner-routed: three instances (each its connection, store object, runtime and {@link
 * CommandRouting}) over one stream; instance 0 started first owns every partition, so the commands the contract sends
 * through instances 1 and 2 – two thirds of them – are forwarded to it. At the end the routing counts show they were.
 */
class RuntimeContractRoutedTest extends RuntimeContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String STORE = "runtime-routed";
    private static final int PARTITIONS = 4;
    private static final CommandCodec<Counter.Command> COMMANDS =
            CommandCodec.json(Counter.Add.class, Counter.Close.class, Counter.Explode.class);

    private static final List<Instance> INSTANCES = new ArrayList<>();

    /** One service instance: everything it has of its own. */
    private record Instance(
            Connection connection,
            NatsEventStore store,
            SnapshotStore snapshots,
            CommandRuntime runtime,
            NatsPartitionOwnership ownership,
            CommandRouting routing,
            RoutedEntity<Counter.Command, Counter, Event> counters,
            RoutedMultiEntity<AddToBoth, Both, Event> pairs) {

        static Instance start() throws Exception {
            Connection nc = NATS.server().connect();
            NatsEventStoreConfig config = NatsEventStoreConfig.of(STORE);
            NatsEventStore store = NatsEventStore.create(nc, config);
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(nc, config);
            CommandRuntime runtime = CommandRuntime.builder(store)
                    .snapshots(snapshots)
                    .retryPolicy(RetryPolicy.defaults().withMaxAttempts(50))
                    .build();
            NatsPartitionOwnership ownership = NatsPartitionOwnership.builder(nc, STORE)
                    .partitions(PARTITIONS)
                    .failoverAfter(Duration.ofSeconds(2))
                    .balanced(false) // one owner of every partition, as the class's checks expect
                    .build();
            CommandRouting routing = CommandRouting.start(ownership, Duration.ofSeconds(10));
            return new Instance(
                    nc,
                    store,
                    snapshots,
                    runtime,
                    ownership,
                    routing,
                    routing.route(runtime.register(COUNTERS), COMMANDS),
                    routing.route(
                            runtime.register(PAIRS),
                            CommandCodec.json(AddToBoth.class),
                            BOTH,
                            CommandRouting.eventCodecsOf(runtime)));
        }

        void close() throws Exception {
            routing.close();
            runtime.close();
            connection.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Instance owner = Instance.start();
        INSTANCES.add(owner);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!IntStream.range(0, PARTITIONS).allMatch(p -> owner.ownership().owns(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the first instance owns not every partition within 30 s");
            }
            Thread.sleep(20);
        }
        INSTANCES.add(Instance.start());
        INSTANCES.add(Instance.start());
    }

    @AfterAll
    static void mostCommandsWereForwardedToTheOwner() throws Exception {
        try {
            RoutingCounts owner = INSTANCES.get(0).routing().counts();
            RoutingCounts one = INSTANCES.get(1).routing().counts();
            RoutingCounts two = INSTANCES.get(2).routing().counts();
            assertThat(one.forwarded() + two.forwarded())
                    .as("forwarded by instances 1 and 2: %s %s, owner: %s", one, two, owner)
                    .isGreaterThan(owner.local());
            assertThat(owner.served()).isPositive();
            assertThat(one.local() + two.local()).isZero();
            assertThat(owner.decidedWithoutOwner() + one.decidedWithoutOwner() + two.decidedWithoutOwner())
                    .isZero();
        } finally {
            for (Instance i : INSTANCES) {
                i.close();
            }
        }
    }

    @Override
    Instances instances() {
        return new Instances() {
            @Override
            public Sender<Counter.Command, Counter> counters(int instance) {
                RoutedEntity<Counter.Command, Counter, Event> routed =
                        INSTANCES.get(instance).counters();
                return new Sender<>() {
                    @Override
                    public Outcome<Counter, Event> handle(String id, Counter.Command command, CommandContext context) {
                        return routed.handle(id, command, context);
                    }

                    @Override
                    public CompletableFuture<Outcome<Counter, Event>> handleAsync(
                            String id, Counter.Command command, CommandContext context) {
                        return routed.handleAsync(id, command, context);
                    }
                };
            }

            @Override
            public MultiSender pairs(int instance) {
                return INSTANCES.get(instance).pairs()::handle;
            }

            @Override
            public EntityHandle<Counter.Command, Counter, Event> handle(int instance) {
                return INSTANCES.get(instance).counters().handle();
            }

            @Override
            public EventStore store() {
                return INSTANCES.get(0).store();
            }

            @Override
            public SnapshotStore snapshots() {
                return INSTANCES.get(0).snapshots();
            }
        };
    }
}
