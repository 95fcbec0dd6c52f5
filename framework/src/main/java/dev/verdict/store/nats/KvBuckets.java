package dev.verdict.store.nats;

import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that opens the KV buckets Verdict keeps beside a store: reads the bucket's status, creates a missing
 * one (or refuses, when provisioning is off), accepts one created concurrently by another instance, and – if asked –
 * raises the replica count of an existing bucket that has fewer. The store's buckets (snapshots, command index,
 * schemas) go through {@link StreamProvisioning#ensureBucket}, which adds the store's typed errors; the shared buckets
 * (dead letters, process states) through {@link #open}. Not API.
 */
public final class KvBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(KvBuckets.class);
    private static final int STREAM_NOT_FOUND = JetStreamErrors.STREAM_NOT_FOUND;

    private KvBuckets() {}

    /**
     * How a bucket is opened.
     *
     * @param create whether a missing bucket is created (false: provisioning is off – a missing bucket is reported)
     * @param raiseReplicas whether an existing bucket with fewer replicas than wanted is updated (if the server
     *     refuses, e.g. a single server asked for 3, it is used as it is and a warning is logged)
     */
    record Provisioning(boolean create, boolean raiseReplicas) {}

    /**
     * Opens the bucket, creating it with {@code replicas} when missing (a concurrent creation by another instance is
     * fine). An existing bucket with fewer replicas is updated to {@code replicas}; if the server refuses (e.g. a
     * single server asked for 3), the bucket is used as it is and a warning is logged.
     *
     * @throws IOException when the server does not answer
     * @throws JetStreamApiException when the server refuses to create the bucket
     * @throws IllegalArgumentException when {@code replicas} is not 1..5
     */
    public static KeyValue open(Connection connection, String bucket, String description, int replicas)
            throws IOException, JetStreamApiException {
        requireReplicas(replicas);
        KeyValueConfiguration wanted = KeyValueConfiguration.builder()
                .name(bucket)
                .maxHistoryPerKey(1)
                .storageType(StorageType.File)
                .replicas(replicas)
                .description(description)
                .build();
        ensure(connection, wanted, new Provisioning(true, true), "KV bucket");
        return connection.keyValue(bucket);
    }

    /**
     * Ensures the bucket exists: returns its status (its configuration as the server has it), after creating it with
     * {@code wanted} when it is missing and {@code provisioning} allows it, and after raising its replicas when asked.
     * An existing bucket is otherwise used as it is.
     *
     * @param what what the bucket holds, for messages ({@code "snapshot bucket"})
     * @throws StoreMisconfigured when the bucket is missing and provisioning is off
     * @throws IOException when the server does not answer
     * @throws JetStreamApiException when the server refuses to read or create the bucket
     */
    static KeyValueStatus ensure(
            Connection connection, KeyValueConfiguration wanted, Provisioning provisioning, String what)
            throws IOException, JetStreamApiException {
        String bucket = wanted.getBucketName();
        KeyValueManagement kvm = connection.keyValueManagement();
        KeyValueStatus status = statusOrNull(kvm, bucket);
        if (status == null) {
            if (!provisioning.create()) {
                throw new StoreMisconfigured(what + " '" + bucket
                        + "' does not exist and provisioning is switched off (NatsEventStoreConfig.provision)");
            }
            try {
                KeyValueStatus created = kvm.create(wanted);
                LOG.info("created {} '{}' with {} replica(s)", what, bucket, wanted.getReplicas());
                return created;
            } catch (JetStreamApiException e) {
                // created concurrently by another instance: fine, use it
                KeyValueStatus concurrent = statusOrNull(kvm, bucket);
                if (concurrent == null) {
                    throw e;
                }
                return concurrent;
            }
        }
        if (provisioning.raiseReplicas() && status.getReplicas() < wanted.getReplicas()) {
            try {
                KeyValueStatus raised = kvm.update(KeyValueConfiguration.builder(status.getConfiguration())
                        .replicas(wanted.getReplicas())
                        .build());
                LOG.info(
                        "{} '{}': replicas raised from {} to {}",
                        what,
                        bucket,
                        status.getReplicas(),
                        wanted.getReplicas());
                return raised;
            } catch (JetStreamApiException e) {
                LOG.warn(
                        "{} '{}' has {} replica(s), {} wanted, but the server refused the update: {}",
                        what,
                        bucket,
                        status.getReplicas(),
                        wanted.getReplicas(),
                        e.getErrorDescription());
            }
        }
        return status;
    }

    /** The replica count of a stream, e.g. the event stream a bucket serves. */
    public static int replicasOf(Connection connection, String stream) throws IOException, JetStreamApiException {
        return connection
                .jetStreamManagement()
                .getStreamInfo(stream)
                .getConfiguration()
                .getReplicas();
    }

    /** Checks a replica count: 1..5, as a stream allows. */
    public static int requireReplicas(int replicas) {
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas must be 1..5, was " + replicas);
        }
        return replicas;
    }

    private static KeyValueStatus statusOrNull(KeyValueManagement kvm, String bucket)
            throws IOException, JetStreamApiException {
        try {
            return kvm.getStatus(bucket);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
