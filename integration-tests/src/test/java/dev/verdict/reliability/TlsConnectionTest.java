package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 4b: Verdict over TLS. The server requires TLS and verifies client certificates against a CA generated
 * for this test; the event store works unchanged over such a connection, and clients without TLS or without a
 * certificate are turned away.
 */
class TlsConnectionTest {
    private static final TestCertificates CERTS = TestCertificates.generate();

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNodeWithConfig(CERTS.serverConfig());

    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterAll
    static void deleteCertificates() throws Exception {
        CERTS.delete();
        ReliabilityReport.record(new ReliabilityReport.Row(
                "4b. TLS (mutual, generated CA; counts are connections)",
                SENT.get(),
                ACCEPTED.get(),
                0,
                0,
                REFUSED.get(),
                0,
                0,
                "server requires TLS and verifies client certificates (CA, server and client certificates generated"
                        + " with openssl per run); the event store appends and reads over it; connections"
                        + " without a client certificate and plain-text connections are refused."));
    }

    private static Options.Builder options() {
        return Options.builder()
                .server(NATS.server().url().replace("nats://", "tls://"))
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(0)
                .noReconnect();
    }

    @Test
    void theEventStoreAppendsAndReadsOverAMutuallyAuthenticatedTlsConnection() throws Exception {
        try (Connection nc =
                Nats.connect(options().sslContext(CERTS.sslContext(true)).build())) {
            assertThat(nc.getServerInfo().isTLSRequired()).isTrue();
            NatsEventStore store = NatsEventStore.create(nc, NatsEventStoreConfig.of("secure"));
            EntityRef counter = EntityRef.of("counter", "c-1");

            SENT.incrementAndGet();
            store.append(
                    counter,
                    0,
                    List.of(BoundedCounter.CODEC.encode(new BoundedCounter.Added(2))),
                    CommandContext.withCommandId("tls-1"));

            List<RecordedEvent> events = store.readAll(counter, ReadRange.all());
            assertThat(events).extracting(RecordedEvent::commandId).containsExactly("tls-1");
            ACCEPTED.incrementAndGet();
        }
    }

    @Test
    void refusesAClientWithoutACertificate() throws Exception {
        Options withoutCertificate =
                options().sslContext(CERTS.sslContext(false)).build();

        SENT.incrementAndGet();
        assertThatThrownBy(() -> Nats.connect(withoutCertificate).close()).isInstanceOf(Exception.class);
        REFUSED.incrementAndGet();
    }

    @Test
    void refusesAPlainTextClient() {
        Options plain = Options.builder()
                .server(NATS.server().url())
                .connectionTimeout(Duration.ofSeconds(5))
                .noReconnect()
                .build();

        SENT.incrementAndGet();
        assertThatThrownBy(() -> Nats.connect(plain).close()).isInstanceOf(Exception.class);
        REFUSED.incrementAndGet();
    }
}
