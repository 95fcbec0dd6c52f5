package dev.verdict.testing.postgres;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that gives a test class a real, throwaway PostgreSQL server (see {@link PostgresServer}),
 * started before the first test and stopped after the last – no process is left behind.
 *
 * <p>When no PostgreSQL binaries are installed ({@link PostgresBinaries}), the tests that call {@link #server()} are
 * <b>skipped</b> with a notice naming {@code scripts/install-postgres}; every other failure (initdb or the server
 * refusing to start) fails them.
 *
 * <pre>{@code
 * class ReadModelOnPostgresTest {
 *     @RegisterExtension
 *     static final PostgresExtension POSTGRES = PostgresExtension.throwaway();
 *
 *     @Test
 *     void projects() {
 *         String url = POSTGRES.server().createDatabase("read_model");   // skips here without binaries
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresExtension.class);

    private PostgresServer server;
    private String unavailable;

    private PostgresExtension() {}

    /** A server per test class. */
    public static PostgresExtension throwaway() {
        return new PostgresExtension();
    }

    /**
     * The running server.
     *
     * @throws org.opentest4j.TestAbortedException (the test is skipped) when PostgreSQL is not installed
     */
    public PostgresServer server() {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
        if (server == null) {
            throw new IllegalStateException(
                    "PostgreSQL is not running: register the extension as a static @RegisterExtension field");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Optional<Path> bin = PostgresBinaries.locate();
        if (bin.isEmpty()) {
            unavailable = "SKIPPED PostgreSQL tests of " + context.getDisplayName()
                    + ": no PostgreSQL server binaries found (looked at $" + PostgresBinaries.ENV
                    + ", /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, PATH). " + PostgresBinaries.INSTALL_HINT;
            LOG.warn(unavailable);
            return;
        }
        server = PostgresServer.start(bin.get());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PostgresServer toStop = server;
        server = null;
        if (toStop != null) {
            toStop.close();
        }
    }
}
