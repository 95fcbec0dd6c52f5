package dev.verdict.testing.postgres;

import dev.verdict.testing.internal.FreePorts;
import dev.verdict.testing.internal.TemporaryDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL server: {@code initdb} into a fresh temporary directory, {@code postgres} on a free
 * loopback port (durability switched off – {@code fsync}, {@code synchronous_commit} – since the data is thrown
 * away), trust authentication for the user {@value #USER}. {@link #close()} stops it ({@code pg_ctl stop -m
 * immediate}) and deletes the directory, so no process is left behind; a JVM shutdown hook does the same if a test
 * run is aborted.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root (CI containers), the server runs as the {@code
 * postgres} user (or {@code nobody} when that does not exist) through {@code runuser}, with the directory handed to
 * that user.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start(PostgresBinaries.locate().orElseThrow())) {
 *     String url = pg.createDatabase("projection_test");   // jdbc:postgresql://127.0.0.1:<port>/projection_test
 *     PGSimpleDataSource ds = new PGSimpleDataSource();
 *     ds.setUrl(url);
 *     ds.setUser(PostgresServer.USER);
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
    /** The superuser created by {@code initdb}; authentication is {@code trust} on loopback. */
    public static final String USER = "verdict";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dir;
    private final List<String> runAs;
    private final int port;
    private final Thread shutdownHook;
    private volatile boolean stopped;

    private PostgresServer(Path bin, Path dir, List<String> runAs, int port) {
        this.bin = bin;
        this.dir = dir;
        this.runAs = runAs;
        this.port = port;
        this.shutdownHook = new Thread(this::stopQuietly, "verdict-postgres-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Initializes and starts a server with the binaries in {@code bin}.
     *
     * @throws PostgresUnavailable when initdb or the server fail (the message includes their output)
     */
    public static PostgresServer start(Path bin) {
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "verdict-pg-");
        } catch (IOException e) {
            throw new PostgresUnavailable("cannot create a temporary directory for PostgreSQL", e);
        }
        List<String> runAs = new ArrayList<>();
        try {
            if (isRoot()) {
                String user = userExists("postgres") ? "postgres" : "nobody";
                runAs.addAll(List.of("runuser", "-u", user, "--"));
                handOver(dir, user);
            }
            run(
                    dir,
                    runAs,
                    120,
                    bin.resolve("initdb").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-U",
                    USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync");
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
        PostgresUnavailable last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            try {
                startServer(bin, dir, runAs, port);
                LOG.info("PostgreSQL started on 127.0.0.1:{} (data in {})", port, dir);
                return new PostgresServer(bin, dir, runAs, port);
            } catch (PostgresUnavailable e) {
                last = e;
            }
        }
        deleteQuietly(dir);
        throw last;
    }

    private static void startServer(Path bin, Path dir, List<String> runAs, int port) {
        run(
                dir,
                runAs,
                60,
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "30",
                "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        + " -c max_connections=50",
                "start");
    }

    /**
     * Stops the server as an operator would ({@code pg_ctl stop -m fast}: open sessions are terminated, clients see
     * their connections fail), keeps it down for {@code down}, then starts it again on the same port with the same
     * data – a restart as after a crash or an upgrade, for fault tests.
     *
     * @throws PostgresUnavailable when it does not stop or start
     */
    public synchronized void restart(java.time.Duration down) {
        if (stopped) {
            throw new IllegalStateException("PostgreSQL on port " + port + " was closed");
        }
        run(
                dir,
                runAs,
                60,
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-m",
                "fast",
                "-w",
                "stop");
        LOG.info("PostgreSQL on port {} stopped for {} ms", port, down.toMillis());
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        startServer(bin, dir, runAs, port);
        LOG.info("PostgreSQL on port {} started again", port);
    }

    /**
     * Runs SQL as the superuser {@value #USER} in the given database with {@code psql} (one session, stopping at the
     * first error) and returns what it printed (tuples only, unaligned) – for tests that change server settings
     * ({@code ALTER SYSTEM}, {@code pg_reload_conf()}), terminate sessions or inspect the server from outside the
     * code under test.
     *
     * @throws PostgresUnavailable when psql fails
     */
    public String superuserSql(String database, String sql) {
        Path script = dir.resolve("script-" + System.nanoTime() + ".sql");
        try {
            Files.writeString(script, sql);
            if (!runAs.isEmpty()) {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return run(
                    dir,
                    runAs,
                    60,
                    bin.resolve("psql").toString(),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    String.valueOf(port),
                    "-U",
                    USER,
                    "-d",
                    database,
                    "-X",
                    "-q",
                    "-t",
                    "-A",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-f",
                    script.toString());
        } catch (IOException e) {
            throw new PostgresUnavailable("cannot write " + script + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException e) {
                // the directory goes away with the server
            }
        }
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** The JDBC URL of the default {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The JDBC URL of a database on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Creates a new, empty database named {@code <prefix>_<n>} and returns its JDBC URL (user {@value #USER}, no
     * password).
     */
    public String createDatabase(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("database prefix '" + prefix + "' must be lower-case letters, digits"
                    + " and '_', starting with a letter, at most 41 characters");
        }
        String name = prefix + "_" + DATABASES.incrementAndGet();
        run(
                dir,
                runAs,
                60,
                bin.resolve("createdb").toString(),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-U",
                USER,
                name);
        return jdbcUrl(name);
    }

    /** Stops the server (immediate shutdown) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(
                    dir,
                    runAs,
                    60,
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop");
            LOG.info("PostgreSQL on port {} stopped", port);
        } catch (RuntimeException e) {
            LOG.warn("stopping PostgreSQL on port {} failed: {}", port, e.getMessage());
        }
        deleteQuietly(dir);
    }

    private static String run(Path dir, List<String> runAs, int timeoutSeconds, String... command) {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(List.of(command));
        Path output = dir.resolve("command-" + System.nanoTime() + ".out");
        try {
            Process p = new ProcessBuilder(full)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PostgresUnavailable(
                        String.join(" ", full) + " did not finish within " + timeoutSeconds + " s: " + read(output));
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("postgres.log")) ? read(dir.resolve("postgres.log")) : "";
                throw new PostgresUnavailable(String.join(" ", full) + " exited with " + p.exitValue() + ": "
                        + read(output) + (log.isEmpty() ? "" : "\nserver log:\n" + log));
            }
            return read(output);
        } catch (IOException e) {
            throw new PostgresUnavailable("cannot run " + String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresUnavailable("interrupted while running " + String.join(" ", full), e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // the directory goes away with the server
            }
        }
    }

    private static String read(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "<no output>";
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void handOver(Path dir, String user) {
        try {
            UserPrincipal owner =
                    dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(dir, owner);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new PostgresUnavailable("cannot hand " + dir + " over to user '" + user + "': " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try {
            return FreePorts.next();
        } catch (IllegalStateException e) {
            throw new PostgresUnavailable(e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!TemporaryDirectories.deleteQuietly(dir)) {
            LOG.debug("could not delete {}", dir);
        }
    }
}
