package dev.verdict.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.nats.NatsProjections;
import dev.verdict.store.EventCodec;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ProcessStatesContract} on NATS: the KV bucket {@value NatsProcessStates#BUCKET}, runners on a connection. */
class ProcessStatesOnNatsTest extends ProcessStatesContract {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Override
    Fixture newFixture(String name) throws Exception {
        Connection nc = NATS.server().connect();
        EventStreamFixture stream = new EventStreamFixture(nc, name);
        ProcessStates states = NatsProcessStates.open(nc);
        return new Fixture() {
            @Override
            public StoreName name() {
                return StoreName.of(name);
            }

            @Override
            public List<Long> append(List<CounterEvent> events) throws Exception {
                return stream.append(events);
            }

            @Override
            public <E> ProjectionRunner.Builder<E> runner(
                    SubjectFilter filter, EventCodec<E> codec, Projection<E> projection) {
                return NatsProjections.runner(nc, filter, codec, projection);
            }

            @Override
            public ProcessStates states() {
                return states;
            }

            @Override
            public void putLegacy(String process, long sequence, long quietUntil, String fingerprint, byte[] state)
                    throws Exception {
                // exactly what the previous release's ProcessProjection wrote
                ObjectNode n = new ObjectMapper().createObjectNode();
                n.put("sequence", sequence);
                n.put("quietUntil", quietUntil);
                n.put("fingerprint", fingerprint);
                n.put("state", Base64.getEncoder().encodeToString(state));
                nc.keyValue(NatsProcessStates.BUCKET).create(process, new ObjectMapper().writeValueAsBytes(n));
            }

            @Override
            public void close() throws Exception {
                nc.close();
            }
        };
    }
}
