package dev.verdict.testing.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chain a user relies on: extension → real nats-server 2.12+ → JetStream → per-subject optimistic concurrency. */
class NatsServerSmokeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void serverIsRealAndRecentEnough(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            assertThat(nc.getServerInfo().getVersion()).isEqualTo(server.version());
            assertThat(nc.getServerInfo().isNewerVersionThan("2.11.99")).isTrue();
            assertThat(nc.getServerInfo().isJetStreamAvailable()).isTrue();
            assertThat(server.url()).startsWith("nats://127.0.0.1:");
        }
    }

    @Test
    void staleExpectedLastSubjectSequenceIsRejected() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            nc.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("smoke")
                            .subjects("smoke.>")
                            .storageType(StorageType.File)
                            .build());
            JetStream js = nc.jetStream();
            byte[] data = "{}".getBytes(StandardCharsets.UTF_8);

            PublishAck first = js.publish(
                    "smoke.counter.c-1",
                    data,
                    PublishOptions.builder().expectedLastSubjectSequence(0).build());
            PublishAck second = js.publish(
                    "smoke.counter.c-1",
                    data,
                    PublishOptions.builder()
                            .expectedLastSubjectSequence(first.getSeqno())
                            .build());
            assertThat(second.getSeqno()).isGreaterThan(first.getSeqno());

            assertThatThrownBy(() -> js.publish(
                            "smoke.counter.c-1",
                            data,
                            PublishOptions.builder()
                                    .expectedLastSubjectSequence(first.getSeqno())
                                    .build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode())
                            .isEqualTo(10071));
            assertThat(nc.jetStreamManagement()
                            .getStreamInfo("smoke")
                            .getStreamState()
                            .getMsgCount())
                    .isEqualTo(2);
        }
    }

    @Test
    void aStoppedServerRestartsOnTheSamePortWithItsData() throws Exception {
        NatsServer server = NATS.server();
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("restart")
                            .subjects("restart.>")
                            .storageType(StorageType.File)
                            .build());
            nc.jetStream().publish("restart.a.b", new byte[] {1});
        }
        server.stop();
        server.start();
        try (Connection nc = server.connect()) {
            assertThat(nc.jetStreamManagement()
                            .getStreamInfo("restart")
                            .getStreamState()
                            .getMsgCount())
                    .isEqualTo(1);
        }
    }

    @Test
    void aKilledServerIsGoneAtOnceAndRestartsWithWhatItHadWritten() throws Exception {
        assumeTrue(NATS.server() instanceof LocalNatsServer, "SIGKILL needs a local server process");
        LocalNatsServer server = (LocalNatsServer) NATS.server();
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("killed")
                            .subjects("killed.>")
                            .storageType(StorageType.File)
                            .build());
            nc.jetStream().publish("killed.a.b", new byte[] {1});
        }
        server.kill();
        assertThatThrownBy(() -> Nats.connect(Options.builder()
                        .server(server.url())
                        .connectionTimeout(Duration.ofSeconds(1))
                        .maxReconnects(0)
                        .build()))
                .isInstanceOf(IOException.class);
        server.start();
        try (Connection nc = server.connect()) {
            assertThat(nc.jetStreamManagement()
                            .getStreamInfo("killed")
                            .getStreamState()
                            .getMsgCount())
                    .isEqualTo(1);
        }
    }
}
