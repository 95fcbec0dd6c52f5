package dev.verdict.store.nats;

import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.io.IOException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AtomicBatchAcrossSubjectsBehaviour} on a single nats-server, R1 file storage. */
class AtomicBatchAcrossSubjectsTest extends AtomicBatchAcrossSubjectsBehaviour {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Override
    Connection connect() throws IOException, InterruptedException {
        return NATS.server().connect();
    }

    @Override
    int replicas() {
        return 1;
    }
}
