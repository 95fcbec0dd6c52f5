package dev.verdict.store.nats;

import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventSubject;
import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or verifies the JetStream stream of an event store. Idempotent: an existing stream with the same settings is
 * accepted; one with different settings is reported with {@link StoreMisconfigured} naming every differing setting –
 * never changed. After creating, the configuration is read back, because servers silently drop fields they do not
 * know.
 */
final class StreamProvisioning {
    private static final Logger LOG = LoggerFactory.getLogger(StreamProvisioning.class);
    static final String MINIMUM_SERVER_VERSION = "2.12.0";

    private StreamProvisioning() {}

    /** Refuses servers older than 2.12 (no atomic batch publish; older ones silently ignore the batch headers). */
    static void requireServerVersion(Connection connection) {
        ServerInfo info = connection.getServerInfo();
        if (info == null) {
            throw new EventStoreUnavailable("the connection has no server info: it is not connected", null);
        }
        if (!info.isSameOrNewerThanVersion(MINIMUM_SERVER_VERSION)) {
            throw new StoreMisconfigured("nats-server " + info.getVersion()
                    + " is too old: Verdict needs nats-server 2.12 or newer for atomic batch publish (ADR-50).");
        }
    }

    static StreamConfiguration desired(NatsEventStoreConfig config) {
        String name = config.storeName().value();
        return StreamConfiguration.builder()
                .name(name)
                .subjects(EventSubject.wholeStoreFilter(config.storeName()))
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxMessages(-1)
                .maxBytes(-1)
                .maxAge(0)
                .maxMessagesPerSubject(-1)
                .maximumMessageSize(-1)
                .replicas(config.replicas())
                .duplicateWindow(config.duplicateWindow())
                .allowDirect(true)
                .allowAtomicPublish(true)
                .denyDelete(config.denyDelete())
                .denyPurge(config.denyPurge())
                .build();
    }

    /** Ensures the stream exists with Verdict's settings and returns its information as the server reports it. */
    static StreamInfo ensure(Connection connection, NatsEventStoreConfig config) {
        requireServerVersion(connection);
        StreamConfiguration desired = desired(config);
        String name = desired.getName();
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamInfo existing = find(jsm, name);
            if (existing == null) {
                if (!config.provision()) {
                    throw new StoreMisconfigured("stream '" + name
                            + "' does not exist and provisioning is switched off (NatsEventStoreConfig.provision)");
                }
                try {
                    StreamInfo created = jsm.addStream(desired);
                    LOG.info("created stream '{}' for subjects {}", name, desired.getSubjects());
                    requireKept(created.getConfiguration(), desired);
                    return created;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != JetStreamErrors.STREAM_NAME_IN_USE) {
                        throw new StoreMisconfigured(
                                "cannot create stream '" + name + "': " + e.getErrorDescription(), e);
                    }
                    existing = find(jsm, name); // created concurrently by another instance
                    if (existing == null) {
                        throw new StoreMisconfigured("stream '" + name + "' is reported in use but cannot be found", e);
                    }
                }
            }
            requireSame(existing.getConfiguration(), desired);
            return existing;
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot provision stream '" + name + "': " + e.getMessage(), e);
        }
    }

    private static StreamInfo find(JetStreamManagement jsm, String name) throws IOException {
        try {
            return jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return null;
            }
            throw new StoreMisconfigured("cannot read stream '" + name + "': " + e.getErrorDescription(), e);
        }
    }

    /** After a create: the flags Verdict depends on must have survived (old servers drop unknown fields). */
    private static void requireKept(StreamConfiguration actual, StreamConfiguration desired) {
        List<String> dropped = new ArrayList<>();
        if (!actual.getAllowAtomicPublish()) {
            dropped.add("allow_atomic (atomic batch publish; multi-event appends would not be atomic)");
        }
        if (!actual.getAllowDirect()) {
            dropped.add("allow_direct (direct get; reads would fail)");
        }
        if (actual.getDenyDelete() != desired.getDenyDelete()) {
            dropped.add("deny_delete");
        }
        if (actual.getDenyPurge() != desired.getDenyPurge()) {
            dropped.add("deny_purge");
        }
        if (!dropped.isEmpty()) {
            throw new StoreMisconfigured("the server created stream '" + desired.getName()
                    + "' but dropped settings Verdict depends on: " + String.join(", ", dropped)
                    + ". Use nats-server 2.12 or newer.");
        }
    }

    /**
     * Creates a KV bucket of the store if it is missing (unless provisioning is off) and leaves an existing one as it
     * is; a bucket created concurrently by another instance is fine. The work is {@link KvBuckets#ensure}'s (the one
     * place that opens buckets); this adds the store's typed errors.
     *
     * @return the bucket's status (its configuration as the server has it)
     * @param what what the bucket holds, for messages ({@code "snapshot bucket"})
     * @throws StoreMisconfigured when the bucket is missing and provisioning is off, or cannot be read or created
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    static KeyValueStatus ensureBucket(
            Connection connection, NatsEventStoreConfig config, String what, KeyValueConfiguration bucket) {
        String name = bucket.getBucketName();
        try {
            return KvBuckets.ensure(connection, bucket, new KvBuckets.Provisioning(config.provision(), false), what);
        } catch (JetStreamApiException e) {
            throw new StoreMisconfigured(
                    "cannot read or create " + what + " '" + name + "': " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot provision " + what + " '" + name + "': " + e.getMessage(), e);
        }
    }

    /** An existing stream must match the desired one in every setting Verdict relies on. */
    static void requireSame(StreamConfiguration actual, StreamConfiguration desired) {
        List<String> diffs = differences(actual, desired);
        if (!diffs.isEmpty()) {
            throw new StoreMisconfigured("stream '" + desired.getName()
                    + "' exists with a configuration that differs from this store's: " + String.join("; ", diffs)
                    + ". Verdict never changes an existing stream: align the store configuration, or edit the stream"
                    + " yourself (nats stream edit " + desired.getName() + ").");
        }
    }

    /** The settings Verdict relies on in which {@code actual} differs from {@code desired}, one sentence each. */
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
