package dev.verdict.runtime;

import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RuntimeContract} on three runtimes, each with a connection and store object of its own, over one stream. */
class RuntimeContractOnNatsTest extends RuntimeContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final List<Connection> CONNECTIONS = new ArrayList<>();
    private static ThreeRuntimes instances;

    @BeforeAll
    static void start() throws Exception {
        NatsEventStoreConfig config = NatsEventStoreConfig.of("runtime-contract");
        for (int i = 0; i < 3; i++) {
            CONNECTIONS.add(NATS.server().connect());
        }
        instances = new ThreeRuntimes(
                i -> NatsEventStore.create(CONNECTIONS.get(i), config),
                i -> NatsSnapshotStore.create(CONNECTIONS.get(i), config));
    }

    @AfterAll
    static void stop() throws Exception {
        instances.close();
        for (Connection c : CONNECTIONS) {
            c.close();
        }
    }

    @Override
    Instances instances() {
        return instances;
    }
}
