package dev.verdict.spring.health;

import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.util.ArrayList;
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
        List<String> differences = differences(info.getConfiguration(), NatsEventStore.streamConfiguration(config));
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

    /** The settings of {@code actual} that differ from {@code desired}, as {@code "<setting> is X but must be Y"}. */
    static List<String> differences(StreamConfiguration actual, StreamConfiguration desired) {
        List<String> diffs = new ArrayList<>();
        compare(diffs, "subjects", desired.getSubjects(), actual.getSubjects());
        compare(diffs, "storage", desired.getStorageType(), actual.getStorageType());
        compare(diffs, "retention", desired.getRetentionPolicy(), actual.getRetentionPolicy());
        compare(diffs, "max_msgs", desired.getMaxMsgs(), actual.getMaxMsgs());
        compare(diffs, "max_bytes", desired.getMaxBytes(), actual.getMaxBytes());
        compare(diffs, "max_age", desired.getMaxAge(), actual.getMaxAge());
        compare(diffs, "max_msgs_per_subject", desired.getMaxMsgsPerSubject(), actual.getMaxMsgsPerSubject());
        compare(diffs, "max_msg_size", (long) desired.getMaximumMessageSize(), (long) actual.getMaximumMessageSize());
        compare(diffs, "num_replicas", desired.getReplicas(), actual.getReplicas());
        compare(diffs, "duplicate_window", desired.getDuplicateWindow(), actual.getDuplicateWindow());
        compare(diffs, "allow_direct", desired.getAllowDirect(), actual.getAllowDirect());
        compare(diffs, "allow_atomic", desired.getAllowAtomicPublish(), actual.getAllowAtomicPublish());
        compare(diffs, "deny_delete", desired.getDenyDelete(), actual.getDenyDelete());
        compare(diffs, "deny_purge", desired.getDenyPurge(), actual.getDenyPurge());
        compare(diffs, "sealed", false, actual.getSealed());
        return diffs;
    }

    private static void compare(List<String> diffs, String setting, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            diffs.add(setting + " is " + actual + " but must be " + expected);
        }
    }
}
