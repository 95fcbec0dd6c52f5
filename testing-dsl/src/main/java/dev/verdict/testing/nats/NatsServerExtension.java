package dev.verdict.testing.nats;

import io.nats.client.Connection;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class a real nats-server with JetStream – never a mock.
 *
 * <p>The server is started once before the first test of the class and stopped (its temporary store directory
 * deleted) after the last. The binary is found via {@code NATS_SERVER_BIN}, then {@code .tools/nats-server} in the
 * working directory or a parent, then {@code PATH}; without a binary, a Docker engine runs the {@code nats:2.12}
 * image through Testcontainers when the test class path has it (an optional dependency: add
 * {@code org.testcontainers:testcontainers} to use it); without either the test fails with a message naming what
 * to do (get a binary, set {@code NATS_SERVER_BIN}, or use Docker).
 * Servers older than 2.12 are refused.
 *
 * <pre>{@code
 * class MyStoreTest {
 *     @RegisterExtension
 *     static final NatsServerExtension NATS = NatsServerExtension.singleNode();
 *
 *     @Test
 *     void appends(NatsServer server) throws Exception {   // or NATS.server()
 *         try (Connection nc = server.connect()) {
 *             // ...
 *         }
 *     }
 *
 *     @Test
 *     void reads() {
 *         NatsEventStore store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("reads"));
 *         // ...
 *     }
 * }
 * }</pre>
 *
 * <p>It can also be declared with {@code @ExtendWith(NatsServerExtension.class)}, which starts a single node.
 */
public final class NatsServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final List<String> extraConfig;
    private AutoCloseable running;
    private NatsServer server;
    private Connection connection;

    /** A single-node server with JetStream; the form {@code @ExtendWith} uses. */
    public NatsServerExtension() {
        this(List.of());
    }

    private NatsServerExtension(List<String> extraConfig) {
        this.extraConfig = List.copyOf(extraConfig);
    }

    /** A single-node server with JetStream on a free loopback port. */
    public static NatsServerExtension singleNode() {
        return new NatsServerExtension();
    }

    /**
     * A single-node server with extra lines appended to its configuration file (e.g. accounts or TLS blocks).
     * Ignored by the Docker fallback, which cannot read local files.
     */
    public static NatsServerExtension singleNodeWithConfig(String... configLines) {
        return new NatsServerExtension(List.of(configLines));
    }

    /** The running server; only valid between {@code beforeAll} and {@code afterAll}. */
    public NatsServer server() {
        if (server == null) {
            throw new IllegalStateException("the nats-server is not running: use the extension from a test class"
                    + " (@RegisterExtension static field or @ExtendWith)");
        }
        return server;
    }

    /**
     * A connection to the server that the test class shares: opened on first use, closed after the class's last test
     * (and its {@code @AfterAll} methods), before the server stops. Do not close it; a test that needs other options,
     * or to lose its connection, opens its own with {@link NatsServer#connect()}.
     *
     * @throws NatsServerUnavailable when the connection cannot be opened
     */
    public synchronized Connection connection() {
        if (connection == null) {
            try {
                connection = server().connect();
            } catch (IOException e) {
                throw new NatsServerUnavailable("cannot connect to " + server().url() + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NatsServerUnavailable("interrupted while connecting to " + server().url(), e);
            }
        }
        return connection;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server != null) {
            return;
        }
        Optional<NatsServerBinary.Located> binary = NatsServerBinary.locate();
        if (binary.isPresent()) {
            LocalNatsServer local = LocalNatsServer.startSingle(binary.get(), extraConfig);
            running = local;
            server = local;
        } else {
            Optional<String> whyNoContainer = ContainerFallback.whyNot();
            if (whyNoContainer.isPresent()) {
                throw new NatsServerUnavailable(NatsServerBinary.notFound("this test", whyNoContainer.get()));
            }
            ContainerNatsServer container = ContainerNatsServer.startNew();
            running = container;
            server = container;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Connection shared;
        synchronized (this) {
            shared = connection;
            connection = null;
        }
        if (shared != null) {
            shared.close();
        }
        AutoCloseable toClose = running;
        running = null;
        server = null;
        if (toClose != null) {
            toClose.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NatsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server();
    }
}
