package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mirrors the examples of docs/nats-mapping.md, so they keep compiling and stay true. */
class NatsMappingDocTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void theRecommendedConnectionWorksAndEventsAreReadableWithPlainJetStream() throws Exception {
        Options options = Options.builder()
                .server(NATS.server().url())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .subjectValidationType(Options.SubjectValidationType.Strict)
                .build();
        try (Connection nc = Nats.connectReconnectOnConnect(options)) {
            NatsEventStore store = NatsEventStore.create(nc, NatsEventStoreConfig.of("pharmacy"));
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(nc, NatsEventStoreConfig.of("pharmacy"));
            EntityRef rx = EntityRef.of("prescription", "rx-42");
            store.append(
                    rx,
                    0,
                    List.of(new EncodedEvent(
                            "PrescriptionOrdered", 1, "{\"drug\":\"aspirin\"}".getBytes(StandardCharsets.UTF_8))),
                    CommandContext.withCommandId("cmd-1").withMetadata("user", "pharmacist-7"));

            // what `nats stream get pharmacy --last-for pharmacy.prescription.rx-42` shows
            MessageInfo last = nc.jetStreamManagement().getLastMessage("pharmacy", "pharmacy.prescription.rx-42");
            assertThat(last.getHeaders().getFirst("Verdict-Type")).isEqualTo("PrescriptionOrdered");
            assertThat(last.getHeaders().getFirst("Verdict-Schema-Version")).isEqualTo("1");
            assertThat(last.getHeaders().getFirst("Verdict-Command-Id")).isEqualTo("cmd-1");
            assertThat(last.getHeaders().getFirst("Verdict-Meta-user")).isEqualTo("pharmacist-7");
            assertThat(last.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("cmd-1:0");
            assertThat(new String(last.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"drug\":\"aspirin\"}");
            assertThat(snapshots.bucket()).isEqualTo("pharmacy-snapshots");
        }
    }
}
