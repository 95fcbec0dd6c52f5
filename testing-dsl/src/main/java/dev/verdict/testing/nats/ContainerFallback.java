package dev.verdict.testing.nats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the last resort – the {@value ContainerNatsServer#IMAGE} image on Docker, through Testcontainers – can be
 * used, decided without touching Testcontainers unless it is on the class path (it is an optional dependency of the
 * test kit) and a Docker engine is configured or has a socket where Docker puts one. Asking Testcontainers without
 * an engine logs an ERROR block of its own, which would precede – and hide – the kit's message naming what to do.
 */
final class ContainerFallback {
    private static final String TESTCONTAINERS = "org.testcontainers.DockerClientFactory";

    private ContainerFallback() {}

    /** Empty when a container can be started; otherwise why not, as a clause of the kit's message. */
    static Optional<String> whyNot() {
        if (!testcontainersPresent(ContainerFallback.class.getClassLoader())) {
            return Optional.of("Testcontainers is not on the test class path, so no Docker container was tried");
        }
        if (!dockerEngineConfigured()) {
            return Optional.of("no Docker engine is configured (no DOCKER_HOST, no docker.sock)");
        }
        if (!ContainerNatsServer.dockerAvailable()) {
            return Optional.of("Testcontainers found no working Docker engine");
        }
        return Optional.empty();
    }

    static boolean testcontainersPresent(ClassLoader loader) {
        try {
            Class.forName(TESTCONTAINERS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean dockerEngineConfigured() {
        if (isSet(System.getenv("DOCKER_HOST"))
                || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
            return true; // on Windows the engine is a named pipe: let Testcontainers look
        }
        String home = System.getProperty("user.home", "");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        return Files.exists(Path.of("/var/run/docker.sock"))
                || (!home.isEmpty()
                        && (Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
                                || Files.exists(Path.of(home, ".docker", "desktop", "docker.sock"))
                                || Files.exists(Path.of(home, ".testcontainers.properties"))))
                || (isSet(runtime) && Files.exists(Path.of(runtime, "docker.sock")));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
