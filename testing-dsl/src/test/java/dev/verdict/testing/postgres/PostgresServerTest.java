package dev.verdict.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A throwaway PostgreSQL listens on loopback while it runs and leaves nothing behind when closed. */
class PostgresServerTest {

    @Test
    void listensOnLoopbackUntilClosedThenRefusesConnections() throws Exception {
        Optional<Path> bin = PostgresBinaries.locate();
        Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed: " + PostgresBinaries.INSTALL_HINT);
        int port;
        try (PostgresServer server = PostgresServer.start(bin.get())) {
            port = server.port();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(socket.isConnected()).isTrue();
            }
            assertThat(server.createDatabase("smoke")).startsWith("jdbc:postgresql://127.0.0.1:" + port + "/smoke_");
        }

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(IOException.class);
    }
}
