package dev.verdict.projection;

import dev.verdict.nats.NatsProjections;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventFeeds;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ProjectionStoreContract} on NATS JetStream: runners built with a connection. */
class ProjectionStoreContractOnNatsTest extends ProjectionStoreContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Override
    StoreUnderTest newStore(String name) throws Exception {
        Connection nc = NATS.server().connect();
        EventStreamFixture stream = new EventStreamFixture(nc, name);
        return new StoreUnderTest() {
            @Override
            public StoreName name() {
                return StoreName.of(name);
            }

            @Override
            public List<Long> append(List<CounterEvent> events) throws Exception {
                return stream.append(events);
            }

            @Override
            public EventFeeds feeds() {
                return new NatsEventFeeds(nc, StoreName.of(name), name);
            }

            @Override
            public <E> ProjectionRunner.Builder<E> runner(
                    SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
                return NatsProjections.runner(nc, filter, codec, projection);
            }

            @Override
            public void close() throws Exception {
                nc.close();
            }
        };
    }
}
