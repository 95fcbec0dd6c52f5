package dev.verdict.cli;

import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Verdict stores on a server. A stream is a Verdict store when it has the layout {@link NatsEventStore}
 * provisions for its name ({@link NatsEventStore#streamDifferences} finds no difference against a configuration with
 * the stream's own replicas, duplicate window and deny flags). Nothing is created or changed: the configuration has
 * provisioning off.
 */
final class Stores {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private Stores() {}

    /** An existing Verdict store: its name, stream information and the configuration matching it. */
    record Found(StoreName name, StreamInfo info, NatsEventStoreConfig config) {
        /** The event store on it (reads only: provisioning is off and the stream matches). */
        NatsEventStore open(Connection connection) {
            try {
                return NatsEventStore.create(connection, config);
            } catch (StoreMisconfigured e) {
                throw CliFailure.notFound(e.getMessage());
            }
        }
    }

    /** Every stream on the server (stores, KV buckets, others). */
    static List<StreamInfo> streams(Connection connection, Connect connect) {
        try {
            return connection.jetStreamManagement().getStreams();
        } catch (IOException | JetStreamApiException e) {
            throw connect.failure("cannot list the streams", e);
        }
    }

    /** The Verdict stores among the streams, by name. */
    static List<Found> verdictStores(List<StreamInfo> streams) {
        List<Found> found = new ArrayList<>();
        for (StreamInfo info : streams) {
            verdictStore(info).ifPresent(found::add);
        }
        found.sort((a, b) -> a.name().value().compareTo(b.name().value()));
        return found;
    }

    /** The named store, or exit 1 (no such stream, or not a Verdict store) / 2 (not a valid store name). */
    static Found named(Connection connection, Connect connect, String name) {
        StoreName store;
        try {
            store = StoreName.of(name);
        } catch (InvalidIdentifier e) {
            throw CliFailure.usage("'" + name + "' is not a store name: " + e.getMessage());
        }
        StreamInfo info;
        try {
            info = connection.jetStreamManagement().getStreamInfo(store.value());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) {
                throw CliFailure.notFound("no store '" + name + "' on the server");
            }
            throw connect.failure("cannot read store '" + name + "'", e);
        } catch (IOException e) {
            throw connect.failure("cannot read store '" + name + "'", e);
        }
        return verdictStore(info)
                .orElseThrow(() -> CliFailure.notFound("stream '" + name + "' is not a Verdict store: "
                        + String.join(
                                "; ", NatsEventStore.streamDifferences(info.getConfiguration(), configOf(info)))));
    }

    private static Optional<Found> verdictStore(StreamInfo info) {
        StreamConfiguration c = info.getConfiguration();
        StoreName name;
        try {
            name = StoreName.of(c.getName());
        } catch (InvalidIdentifier e) {
            return Optional.empty();
        }
        NatsEventStoreConfig config = configOf(info);
        return NatsEventStore.streamDifferences(c, config).isEmpty()
                ? Optional.of(new Found(name, info, config))
                : Optional.empty();
    }

    /** The store configuration a stream would match: its own replicas, duplicate window and deny flags. */
    private static NatsEventStoreConfig configOf(StreamInfo info) {
        StreamConfiguration c = info.getConfiguration();
        NatsEventStoreConfig.Builder b = NatsEventStoreConfig.builder()
                .provision(false)
                .requestTimeout(REQUEST_TIMEOUT)
                .denyDelete(c.getDenyDelete())
                .denyPurge(c.getDenyPurge());
        try {
            b.storeName(StoreName.of(c.getName()));
        } catch (InvalidIdentifier e) {
            b.storeName(StoreName.of("invalid"));
        }
        if (c.getReplicas() >= 1 && c.getReplicas() <= 5) {
            b.replicas(c.getReplicas());
        }
        if (c.getDuplicateWindow() != null && !c.getDuplicateWindow().isZero()) {
            b.duplicateWindow(c.getDuplicateWindow());
        }
        return b.build();
    }
}
