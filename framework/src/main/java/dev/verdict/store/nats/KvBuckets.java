package dev.verdict.store.nats;

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
 * Opens the small KV buckets Verdict keeps beside a store (one value per key, file storage), creating them with a
 * replica count, or raising the replica count of an existing bucket that has fewer. Not API.
 */
public final class KvBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(KvBuckets.class);
    private static final int STREAM_NOT_FOUND = 10059;

    private KvBuckets() {}

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
        KeyValueManagement kvm = connection.keyValueManagement();
        KeyValueConfiguration wanted = KeyValueConfiguration.builder()
                .name(bucket)
                .maxHistoryPerKey(1)
                .storageType(StorageType.File)
                .replicas(replicas)
                .description(description)
                .build();
        KeyValueStatus status = statusOrNull(kvm, bucket);
        if (status == null) {
            try {
                kvm.create(wanted);
                LOG.info("created KV bucket '{}' with {} replica(s)", bucket, replicas);
            } catch (JetStreamApiException e) {
                // created concurrently by another instance: fine, use it
                if (statusOrNull(kvm, bucket) == null) {
                    throw e;
                }
            }
        } else if (status.getReplicas() < replicas) {
            try {
                kvm.update(KeyValueConfiguration.builder(status.getConfiguration())
                        .replicas(replicas)
                        .build());
                LOG.info("KV bucket '{}': replicas raised from {} to {}", bucket, status.getReplicas(), replicas);
            } catch (JetStreamApiException e) {
                LOG.warn(
                        "KV bucket '{}' has {} replica(s), {} wanted, but the server refused the update: {}",
                        bucket,
                        status.getReplicas(),
                        replicas,
                        e.getErrorDescription());
            }
        }
        return connection.keyValue(bucket);
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
