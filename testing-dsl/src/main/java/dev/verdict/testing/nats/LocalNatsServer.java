package dev.verdict.testing.nats;

import dev.verdict.testing.internal.FreePorts;
import dev.verdict.testing.internal.TemporaryDirectories;
import io.nats.LoggingOutput;
import io.nats.NatsServerRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A nats-server child process started through jnats-server-runner, with its own free loopback port and temporary
 * store directory (deleted on {@link #close()}). {@link NatsServerExtension} uses it for tests; benchmarks and tools
 * can launch one directly:
 *
 * <pre>{@code
 * try (LocalNatsServer server = LocalNatsServer.launch()) {
 *     Connection nc = server.connect();
 *     // ...
 * }
 * }</pre>
 */
public final class LocalNatsServer implements NatsServer, AutoCloseable {
    private final Path binary;
    private final ServerVersion version;
    private final Path storeDir;
    private final List<String> extraConfig;
    private final int port;
    private NatsServerRunner runner;

    /** Starts a single node, on a new port when the chosen one was taken meanwhile by another process. */
    static LocalNatsServer startSingle(NatsServerBinary.Located binary, List<String> extraConfig) {
        NatsServerUnavailable last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            LocalNatsServer server = new LocalNatsServer(binary, freePort(), extraConfig);
            try {
                server.start();
                return server;
            } catch (NatsServerUnavailable e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts a single node with JetStream, found like {@link NatsServerExtension} finds it (without the Docker
     * fallback).
     *
     * @param extraConfig extra lines for the server's configuration file, e.g. {@code sync_interval: always}
     * @throws NatsServerUnavailable when no nats-server 2.12+ is installed
     */
    public static LocalNatsServer launch(String... extraConfig) {
        NatsServerBinary.Located binary = NatsServerBinary.locate()
                .orElseThrow(() -> new NatsServerUnavailable(NatsServerBinary.notFound("a local server")));
        return startSingle(binary, List.of(extraConfig));
    }

    /** Prepared but not started: cluster nodes need all ports before the first node starts. */
    LocalNatsServer(NatsServerBinary.Located binary, int port, List<String> extraConfig) {
        this.binary = binary.path();
        this.version = binary.version();
        this.extraConfig = List.copyOf(extraConfig);
        this.port = port;
        try {
            this.storeDir = Files.createTempDirectory("verdict-nats-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a nats-server store directory", e);
        }
    }

    static int freePort() {
        try {
            return FreePorts.next();
        } catch (IllegalStateException e) {
            throw new NatsServerUnavailable(e.getMessage(), e);
        }
    }

    int port() {
        return port;
    }

    @Override
    public synchronized void start() {
        if (runner != null) {
            return;
        }
        List<String> config = new ArrayList<>();
        config.add("host: 127.0.0.1");
        config.add("jetstream {");
        config.add("  store_dir: \"" + storeDir.toString().replace("\\", "/") + "\"");
        config.add("}");
        config.addAll(extraConfig);
        Set<Long> before = ServerProcesses.children();
        try {
            runner = NatsServerRunner.builder()
                    .executablePath(binary)
                    .port(port)
                    .jetstream(true)
                    .configInserts(config)
                    // the server's own lines stay out of the user's test output (a failed start is an exception
                    // with its reason). jnats-server-runner applies outputLevel only to an output given with it:
                    // without .output(...) every [INF] line of the server was printed
                    .output(new LoggingOutput(Logger.getLogger(LocalNatsServer.class.getName())))
                    .outputLevel(Level.SEVERE)
                    // a loaded CI machine can take seconds to start a server: wait up to ~10 s, not ~1 s
                    .connectValidateTries(50)
                    .connectValidateSubsequentDelay(200L)
                    .build();
        } catch (IOException | RuntimeException e) {
            // the runner may have started the process before its connect check gave up: never leave it behind
            ServerProcesses.killChildrenStartedSince(before);
            throw new NatsServerUnavailable(
                    "nats-server at " + binary + " did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (runner == null) {
            return;
        }
        try {
            runner.shutdown(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runner = null;
        }
    }

    /**
     * Suspends the server process (SIGSTOP) until {@link #resume()}: it keeps its connections and routes but
     * processes nothing – on a cluster, a replica that falls behind while the others go on. For tests of lagging
     * replicas; always resume in a {@code finally} (a suspended process is still killed when the JVM exits).
     *
     * @throws IllegalStateException when the server is not running or the signal cannot be sent (needs {@code kill},
     *     so POSIX systems only)
     */
    public synchronized void suspend() {
        signal("STOP");
    }

    /** Continues a {@link #suspend() suspended} server (SIGCONT); harmless on a running one. */
    public synchronized void resume() {
        signal("CONT");
    }

    /**
     * Kills the server process with SIGKILL – no shutdown work at all (no leadership handed over, no index written), as
     * a crashed process; what it wrote to its files stays – and waits until it is gone; the data directory and port
     * are kept for {@link #start()}.
     * {@link #stop()} instead lets the server shut down (on a cluster a stopping node may hand its leaderships over).
     *
     * @throws IllegalStateException when the server is not running or the signal cannot be sent (POSIX systems only)
     */
    public synchronized void kill() {
        ProcessHandle process = process();
        signal("KILL");
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this + " to die", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(this + " did not die within 30 s of SIGKILL", e);
        }
        stop(); // the process is gone already: this only releases what the runner holds
    }

    private ProcessHandle process() {
        if (runner == null) {
            throw new IllegalStateException(this + " is not running");
        }
        String configFile = runner.getConfigFile();
        return ProcessHandle.current()
                .children()
                .filter(p ->
                        p.info().commandLine().map(c -> c.contains(configFile)).orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no process of " + this + " found"));
    }

    private void signal(String signal) {
        long pid = process().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + this + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + this, e);
        }
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public String version() {
        return version.toString();
    }

    /** The server's JetStream store directory. */
    public Path storeDir() {
        return storeDir;
    }

    @Override
    public void close() {
        stop();
        TemporaryDirectories.deleteQuietly(storeDir);
    }

    @Override
    public String toString() {
        return "nats-server " + version + " at " + url() + " (store " + storeDir + ")";
    }
}
