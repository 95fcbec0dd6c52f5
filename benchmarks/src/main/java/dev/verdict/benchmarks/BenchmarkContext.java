package dev.verdict.benchmarks;

import dev.verdict.testing.nats.LocalNatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;

/**
 * What every scenario shares in one run: the settings, the one nats-server, a connection for each side (so neither
 * side's traffic queues behind the other's on one socket), Verdict's store, the raw stream (with Verdict's stream
 * settings), a raw reader of Verdict's own stream (to read the very same messages), and the payloads.
 */
final class BenchmarkContext implements AutoCloseable {
    final Settings settings;
    final LocalNatsServer server;
    final Connection verdictConnection;
    final Connection rawConnection;
    final VerdictSide verdict;
    final RawJetStream raw;
    /** Raw jnats reading Verdict's stream: the same subjects and bytes Verdict reads. */
    final RawJetStream rawOnVerdictStream;

    final Payloads payloads = new Payloads();
    final MessageIds ids = new MessageIds();

    BenchmarkContext(Settings settings, LocalNatsServer server) throws Exception {
        this.settings = settings;
        this.server = server;
        this.verdictConnection =
                Nats.connect(server.defaultOptions().connectionName("verdict").build());
        this.rawConnection =
                Nats.connect(server.defaultOptions().connectionName("raw").build());
        this.verdict = new VerdictSide(verdictConnection);
        this.raw = RawJetStream.provision(rawConnection, "raw", verdict.streamConfiguration());
        this.rawOnVerdictStream = RawJetStream.attach(rawConnection, VerdictSide.STORE);
    }

    String serverVersion() {
        return rawConnection.getServerInfo().getVersion();
    }

    @Override
    public void close() throws InterruptedException {
        verdictConnection.close();
        rawConnection.close();
    }
}
