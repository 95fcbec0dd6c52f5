package dev.verdict.testing.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void parsesTheVersionLineOfTheBinary() {
        assertThat(ServerVersion.parse("nats-server: v2.15.1")).contains(new ServerVersion(2, 15, 1));
    }

    @Test
    void refusesServersOlderThan212() {
        assertThat(new ServerVersion(2, 9, 10).isSupported()).isFalse();
        assertThat(new ServerVersion(2, 11, 9).isSupported()).isFalse();
        assertThat(new ServerVersion(2, 12, 0).isSupported()).isTrue();
        assertThat(new ServerVersion(3, 0, 0).isSupported()).isTrue();
    }

    @Test
    void reportsNothingForTextWithoutAVersion() {
        assertThat(ServerVersion.parse("command not found")).isEmpty();
    }
}
