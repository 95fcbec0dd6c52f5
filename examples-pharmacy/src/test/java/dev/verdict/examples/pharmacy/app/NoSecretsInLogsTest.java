package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.testing.nats.NatsServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app given a {@code NATS_URL} with user and password prints the URL only with the password masked: on start,
 * on a lost and regained connection, when it stops, and in start-up errors. Everything written to standard output
 * and standard error (where the app's log goes) is captured and searched for the password.
 */
class NoSecretsInLogsTest {
    private static final String PASSWORD = "s3cret-Xq7v";

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNodeWithConfig(
            "authorization { user: pharmacist, password: \"" + PASSWORD + "\" }");

    @TempDir
    Path data;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static String withCredentials(String url) {
        URI plain = URI.create(url);
        return "nats://pharmacist:" + PASSWORD + "@" + plain.getHost() + ":" + plain.getPort();
    }

    @Test
    void aRunningAppNeverPrintsTheNatsPassword() throws Exception {
        String url = withCredentials(NATS.server().url());
        PharmacySettings settings = PharmacySettings.fromEnvironment(
                java.util.Map.of("NATS_URL", url, "PORT", "0", "DATA_DIR", data.toString()));

        try (PharmacyApp app = PharmacyApp.start(settings)) {
            HttpClientForTests http = new HttpClientForTests(app.url());
            assertThat(http.post("/inventory/aspirin/receive", "{\"quantity\":3}")
                            .status())
                    .isEqualTo(200);
            NATS.server().stop();
            awaitPrinted("lost the connection to NATS");
            NATS.server().start();
            awaitPrinted("reconnected to NATS");
            http.await("/health", r -> r.status() == 200);
        }

        String log = printed();
        assertThat(log).contains("pharmacy listening on").contains("pharmacist:***@");
        assertThat(log).doesNotContain(PASSWORD);
    }

    @Test
    void aStartUpErrorNeverContainsTheNatsPassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "nats://pharmacist:" + PASSWORD + "@127.0.0.1:" + closedPort;

        assertThatThrownBy(() -> PharmacyApp.start(PharmacySettings.forTest(url, data)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pharmacist:***@127.0.0.1:" + closedPort)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
                    }
                });
        assertThat(printed()).doesNotContain(PASSWORD);
    }

    private void awaitPrinted(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!printed().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the app did not print '" + text + "' within 15 s; it printed:\n" + printed());
            }
            Thread.sleep(25);
        }
    }

    /** Writes to the original stream (so the test's output stays visible) and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
