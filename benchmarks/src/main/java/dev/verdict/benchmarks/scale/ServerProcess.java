package dev.verdict.benchmarks.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One nats-server process of the scale benchmark, started from a configuration file it writes into its own directory
 * (file storage there), so that it can be killed with SIGKILL and started again on the same store – which the test
 * kit's server cannot. Its resident memory is read from {@code /proc/<pid>/status}.
 *
 * <pre>{@code
 * try (ServerProcess s = ServerProcess.single(root, "n1")) { s.start(); ... s.kill(); s.start(); }
 * }</pre>
 */
final class ServerProcess implements AutoCloseable {
    private final Path binary;
    private final String name;
    private final Path dir;
    private final int port;
    private final int clusterPort;
    private final List<String> routes = new ArrayList<>();
    private Process process;

    /** Every server process started and not yet killed, for the shutdown hook. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    private ServerProcess(Path binary, Path root, String name) throws IOException {
        this.binary = binary;
        this.name = name;
        this.dir = Files.createDirectories(root.resolve(name));
        this.port = freePort();
        this.clusterPort = freePort();
    }

    /** A server that is not started yet, its store under {@code root/name}. */
    static ServerProcess prepare(Path root, String name) throws IOException {
        return new ServerProcess(binary(), root, name);
    }

    /** Makes this node one of a cluster named {@code scale} with the given nodes (itself included). */
    void clusterWith(List<ServerProcess> nodes) {
        routes.clear();
        for (ServerProcess n : nodes) {
            routes.add("nats://127.0.0.1:" + n.clusterPort);
        }
    }

    String name() {
        return name;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    Path storeDir() {
        return dir.resolve("jetstream");
    }

    /**
     * Starts the process and waits until its client port accepts connections – up to 15 minutes: a restart after a
     * kill restores (scans) every stream first, minutes at 10 million subjects on a loaded machine.
     */
    void start() throws IOException, InterruptedException {
        List<String> config = new ArrayList<>();
        config.add("server_name: " + name);
        config.add("listen: \"127.0.0.1:" + port + "\"");
        config.add("jetstream {");
        config.add("  store_dir: \"" + dir.resolve("jetstream").toString().replace("\\", "/") + "\"");
        config.add("}");
        if (!routes.isEmpty()) {
            config.add("cluster {");
            config.add("  name: scale");
            config.add("  listen: \"127.0.0.1:" + clusterPort + "\"");
            config.add("  routes: [" + String.join(", ", routes) + "]");
            config.add("}");
        }
        Path conf = dir.resolve("server.conf");
        Files.write(conf, config, StandardCharsets.UTF_8);
        process = new ProcessBuilder(binary.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("server.log").toFile()))
                .start();
        LIVE.add(process);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        name + " exited with " + process.exitValue() + "; see " + dir.resolve("server.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException(name + " did not accept connections within 15 minutes");
    }

    /** SIGKILL: no shutdown work at all, as a crashed machine. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        if (process != null) {
            LIVE.remove(process);
        }
        process = null;
    }

    /** SIGKILLs every server process this JVM started and has not killed yet (a shutdown hook's work). */
    static void killAll() {
        for (Process p : LIVE) {
            p.destroyForcibly();
        }
        LIVE.clear();
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** The process's resident memory in bytes (VmRSS), or -1 when it is not running or the value cannot be read. */
    long rssBytes() {
        if (!running()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Bytes stored under the server's directory (its streams' blocks and indexes). */
    long diskBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Kills the process and deletes its directory. */
    @Override
    public void close() throws InterruptedException {
        kill();
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: the next run reports the disk if it fills
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** {@code NATS_SERVER_BIN}, else {@code .tools/nats-server} in this or a parent directory, else the PATH. */
    static Path binary() {
        String env = System.getenv("NATS_SERVER_BIN");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(".tools").resolve("nats-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Optional<Path> onPath = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Paths.get(d, "nats-server"))
                .filter(Files::isExecutable)
                .findFirst();
        return onPath.orElseThrow(() ->
                new IllegalStateException("no nats-server: set NATS_SERVER_BIN or run scripts/install-nats-server"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return name + " at " + url();
    }
}
