package dev.verdict.testing.nats;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The fallback when no nats-server binary is installed but a Docker engine is reachable. Only loaded when
 * Testcontainers is on the class path ({@link ContainerFallback}).
 */
final class ContainerNatsServer implements NatsServer, AutoCloseable {
    static final String IMAGE = "nats:2.12";
    private final GenericContainer<?> container;

    private ContainerNatsServer(GenericContainer<?> container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static ContainerNatsServer startNew() {
        @SuppressWarnings("resource") // closed by close()
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withCommand("-js", "-sd", "/data")
                .withExposedPorts(4222)
                .waitingFor(Wait.forLogMessage(".*Server is ready.*", 1));
        c.start();
        return new ContainerNatsServer(c);
    }

    @Override
    public String url() {
        return "nats://" + container.getHost() + ":" + container.getMappedPort(4222);
    }

    @Override
    public String version() {
        return ServerVersion.parse(container.getLogs()).map(Object::toString).orElse("2.12");
    }

    /**
     * Not supported for containers: restarting would change the mapped port. Tests that stop and restart a
     * server need a local binary ({@code NATS_SERVER_BIN} or {@code PATH}).
     */
    @Override
    public void stop() {
        throw new UnsupportedOperationException("stopping a containerised nats-server is not supported; restart"
                + " tests need a local nats-server binary (on PATH or NATS_SERVER_BIN). "
                + NatsServerBinary.INSTALL_HINT);
    }

    @Override
    public void start() {
        if (!container.isRunning()) {
            container.start();
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
