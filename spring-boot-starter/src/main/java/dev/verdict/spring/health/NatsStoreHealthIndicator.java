package dev.verdict.spring.health;

import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamInfo;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the event store on NATS: UP when the connection is connected, JetStream answers, and the store's
 * stream exists configured as Verdict requires (the settings {@code NatsEventStore.create} checks at start-up:
 * subjects, storage, limits, replicas, duplicate window, direct get, atomic batches, deny delete/purge, not sealed).
 * DOWN otherwise, with the reason in the detail {@code reason} – e.g. a stream an operator edited after the
 * application started. Each check is one request to the server (stream info), bounded by the store's request
 * timeout.
 *
 * <p>Details when UP: {@code server} (version), {@code stream}, {@code messages}, {@code lastSequence}, {@code
 * replicas}, {@code leader} (in a cluster).
 *
 * <pre>{@code
 * Health health = new NatsStoreHealthIndicator(connection, NatsEventStoreConfig.of("pharmacy")).health();
 * }</pre>
 */
public final class NatsStoreHealthIndicator implements HealthIndicator {
    private final Connection connection;
    private final NatsEventStoreConfig config;

    /** An indicator for the store with this configuration, on this connection. */
    public NatsStoreHealthIndicator(Connection connection, NatsEventStoreConfig config) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public Health health() {
        String stream = config.storeName().value();
        Connection.Status status = connection.getStatus();
        if (status != Connection.Status.CONNECTED) {
            return Health.down()
                    .withDetail("connection", status.name())
                    .withDetail(
                            "reason", "the NATS connection is " + status.name().toLowerCase(java.util.Locale.ROOT))
                    .build();
        }
        Health.Builder health = Health.up().withDetail("connection", status.name());
        ServerInfo server = connection.getServerInfo();
        if (server != null) {
            health.withDetail("server", server.getVersion());
        }
        StreamInfo info;
        try {
            JetStreamManagement jsm = connection.jetStreamManagement(io.nats.client.JetStreamOptions.builder()
                    .requestTimeout(config.requestTimeout())
                    .build());
            try {
                info = jsm.getStreamInfo(stream);
            } catch (JetStreamApiException e) {
                return Health.down()
                        .withDetail("connection", status.name())
                        .withDetail("stream", stream)
                        .withDetail(
                                "reason",
                                e.getApiErrorCode() == 10059
                                        ? "stream '" + stream + "' does not exist"
                                        : "cannot read stream '" + stream + "': " + e.getErrorDescription())
                        .build();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Health.down()
                    .withDetail("connection", status.name())
                    .withDetail("reason", "JetStream does not answer: " + e.getMessage())
                    .build();
        }
        List<String> differences = NatsEventStore.streamDifferences(info.getConfiguration(), config);
        health.withDetail("stream", stream);
        if (!differences.isEmpty()) {
            return Health.down()
                    .withDetail("connection", status.name())
                    .withDetail("stream", stream)
                    .withDetail(
                            "reason",
                            "stream '" + stream + "' is not configured as Verdict requires: "
                                    + String.join("; ", differences))
                    .build();
        }
        health.withDetail("messages", info.getStreamState().getMsgCount())
                .withDetail("lastSequence", info.getStreamState().getLastSequence())
                .withDetail("replicas", info.getConfiguration().getReplicas());
        if (info.getClusterInfo() != null && info.getClusterInfo().getLeader() != null) {
            health.withDetail("leader", info.getClusterInfo().getLeader());
        }
        return health.build();
    }
}
