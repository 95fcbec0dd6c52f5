package dev.verdict.store.nats;

import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ShardedEventStoreBehaviour} on a single nats-server, R1 file storage. */
class ShardedEventStoreTest extends ShardedEventStoreBehaviour {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Override
    Connection connect() throws Exception {
        return NATS.server().connect();
    }

    @Override
    int replicas() {
        return 1;
    }
}
