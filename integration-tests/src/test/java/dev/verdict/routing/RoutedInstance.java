package dev.verdict.routing;

import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.reliability.CuttableProxy;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.RetryPolicy;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.QuietErrorListener;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/**
 * One service instance in a routing test: its own connection to NATS through a proxy of its own (so the test can cut
 * it as a SIGKILL would, or lose its answers), its own runtime, ownership and routing.
 */
final class RoutedInstance implements AutoCloseable {
    static final Duration FAILOVER = Duration.ofSeconds(2);

    final CuttableProxy proxy;
    final Connection connection;
    final CommandRuntime runtime;
    final CommandRouting routing;
    final RoutedEntity<Tally.Command, Tally, Tally.Event> tallies;
    final RoutedMultiEntity<TallyPair.CountBoth, TallyPair, Tally.Event> pairs;
    final NatsEventStore store;
    private volatile boolean killed;

    RoutedInstance(int serverPort, String store, int partitions, Duration requestTimeout) throws Exception {
        this(serverPort, store, partitions, requestTimeout, true);
    }

    /** With {@code balanced} false, an instance keeps every partition it was pinned (for tests of one fixed owner). */
    RoutedInstance(int serverPort, String store, int partitions, Duration requestTimeout, boolean balanced)
            throws Exception {
        this.proxy = new CuttableProxy(serverPort);
        this.connection = Nats.connect(Options.builder()
                .server(proxy.url())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .errorListener(new QuietErrorListener())
                .build());
        this.store = NatsEventStore.create(connection, NatsEventStoreConfig.of(store));
        this.runtime = CommandRuntime.builder(this.store)
                .retryPolicy(RetryPolicy.defaults().withMaxAttempts(50))
                .build();
        this.routing = CommandRouting.start(
                NatsPartitionOwnership.builder(connection, store)
                        .partitions(partitions)
                        .failoverAfter(FAILOVER)
                        .balanced(balanced)
                        .build(),
                requestTimeout);
        this.tallies = routing.route(runtime.register(Tally.REGISTRATION), Tally.COMMANDS);
        this.pairs = routing.route(
                runtime.register(TallyPair.REGISTRATION),
                TallyPair.COMMANDS,
                TallyPair.STATES,
                CommandRouting.eventCodecsOf(runtime));
    }

    boolean owns(int partition) {
        return routing.ownership().owns(partition);
    }

    /** Dies as under SIGKILL, seen from outside: its connection is cut and never comes back. */
    void kill() {
        killed = true;
        proxy.close();
    }

    @Override
    public void close() throws Exception {
        if (killed) { // killed: nothing of it can reach the server any more
            connection.close();
        }
        routing.close();
        runtime.close();
        connection.close();
        proxy.close();
    }
}
