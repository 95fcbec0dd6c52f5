package dev.verdict.testing.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the nats-server binary for tests.
 *
 * <p>Lookup order: the environment variable {@code NATS_SERVER_BIN}; {@code .tools/nats-server} in the working
 * directory or any parent (where this repository's {@code scripts/install-nats-server} puts it); {@code nats-server} on
 * {@code PATH}.
 * A binary older than 2.12 is refused with a message, never used.
 */
final class NatsServerBinary {
    static final String ENV = "NATS_SERVER_BIN";
    static final String INSTALL_HINT = "To give your tests a server: download nats-server 2.12+ (a single binary)"
            + " from https://github.com/nats-io/nats-server/releases or install it with your package manager (e.g."
            + " `brew install nats-server`), then put it on PATH or set NATS_SERVER_BIN=/path/to/nats-server.";
    static final String DOCKER_HINT = "Or, with Docker running, add org.testcontainers:testcontainers to your test"
            + " dependencies: the test kit then runs the " + ContainerNatsServer.IMAGE + " image.";
    private static final String LOOKED_AT =
            "looked at $" + ENV + ", .tools/nats-server in the working directory and its parents, and PATH";

    private NatsServerBinary() {}

    /** The message when no binary is found for {@code what} (e.g. "a cluster"): where the kit looked, what to do. */
    static String notFound(String what) {
        return "No nats-server 2.12+ found for " + what + " (" + LOOKED_AT + "). " + INSTALL_HINT;
    }

    /** The same for a single server, for which a Docker container is the last resort: why it was not used. */
    static String notFound(String what, String whyNoContainer) {
        return "No nats-server 2.12+ found for " + what + " (" + LOOKED_AT + "), and " + whyNoContainer + ". "
                + INSTALL_HINT + " " + DOCKER_HINT;
    }

    /** The binary to use, or empty when none is installed. Throws when the only one found is too old. */
    static Optional<Located> locate() {
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Paths.get(fromEnv);
            if (!Files.isExecutable(p)) {
                throw new NatsServerUnavailable(ENV + "=" + fromEnv + " is not an executable file. " + INSTALL_HINT);
            }
            return Optional.of(checked(p));
        }
        Optional<Path> tools = findUpwards(Paths.get("").toAbsolutePath());
        if (tools.isPresent()) {
            return Optional.of(checked(tools.get()));
        }
        return onPath().map(NatsServerBinary::checked);
    }

    private static Optional<Path> findUpwards(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".tools").resolve("nats-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Located checked(Path binary) {
        ServerVersion version = versionOf(binary);
        if (!version.isSupported()) {
            throw new NatsServerUnavailable("nats-server at " + binary + " is version " + version
                    + ", but Verdict needs " + ServerVersion.MINIMUM + " or newer (older servers lack atomic batch"
                    + " publish and are unsafe for optimistic concurrency on replicated streams). " + INSTALL_HINT);
        }
        return new Located(binary, version);
    }

    static ServerVersion versionOf(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return ServerVersion.parse(out)
                    .orElseThrow(() -> new NatsServerUnavailable(
                            binary + " --version printed no version (" + out.strip() + "). " + INSTALL_HINT));
        } catch (IOException e) {
            throw new NatsServerUnavailable("cannot run " + binary + ": " + e.getMessage() + ". " + INSTALL_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NatsServerUnavailable("interrupted while asking " + binary + " for its version", e);
        }
    }

    record Located(Path path, ServerVersion version) {}
}
