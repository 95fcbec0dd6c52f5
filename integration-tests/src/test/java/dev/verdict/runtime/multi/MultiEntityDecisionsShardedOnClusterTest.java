package dev.verdict.runtime.multi;

import dev.verdict.testing.nats.NatsClusterExtension;
import io.nats.client.Connection;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ShardedMultiEntityDecisionsBehaviour} on R3 shard streams of a 3-node cluster. */
class MultiEntityDecisionsShardedOnClusterTest extends ShardedMultiEntityDecisionsBehaviour {
    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Override
    Connection connect() throws Exception {
        return CLUSTER.cluster().connect();
    }

    @Override
    int replicas() {
        return 3;
    }
}
