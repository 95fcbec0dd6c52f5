package dev.verdict.store.nats;

import dev.verdict.testing.nats.NatsClusterExtension;
import io.nats.client.Connection;
import java.io.IOException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AtomicBatchAcrossSubjectsBehaviour} on an R3 stream of a 3-node cluster. */
class AtomicBatchAcrossSubjectsOnClusterTest extends AtomicBatchAcrossSubjectsBehaviour {
    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Override
    Connection connect() throws IOException, InterruptedException {
        return CLUSTER.cluster().connect();
    }

    @Override
    int replicas() {
        return 3;
    }
}
