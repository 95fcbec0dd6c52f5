package dev.verdict.testing.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/**
 * A real nats-server with JetStream, started for tests by {@link NatsServerExtension}.
 *
 * <p>Guarantees: the server listens on a free loopback port, keeps its JetStream data in its own temporary
 * directory (never the shared default {@code /tmp/nats/jetstream}), runs version 2.12 or newer, and is stopped when
 * the extension's scope ends.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NatsServerExtension NATS = NatsServerExtension.singleNode();
 *
 * @Test
 * void publishes() throws Exception {
 *     try (Connection nc = NATS.server().connect()) {
 *         nc.jetStreamManagement().getAccountStatistics();
 *     }
 * }
 * }</pre>
 */
public interface NatsServer {

    /** The client URL, e.g. {@code nats://127.0.0.1:41234}. */
    String url();

    /** The server's version as reported by the server, e.g. {@code 2.15.1}. */
    String version();

    /**
     * Opens a new connection with options suited to tests: reconnects forever, strict subject validation.
     * The caller closes it.
     */
    default Connection connect() throws IOException, InterruptedException {
        return Nats.connect(defaultOptions().build());
    }

    /** Connection options that a test can extend, already pointing at this server. */
    default Options.Builder defaultOptions() {
        return Options.builder()
                .server(url())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(5))
                .subjectValidationType(Options.SubjectValidationType.Strict)
                .errorListener(new QuietErrorListener());
    }

    /** Stops the server process; the data directory and port are kept for {@link #start()}. */
    void stop();

    /** (Re)starts a stopped server on the same port with the same data directory. */
    void start();
}
