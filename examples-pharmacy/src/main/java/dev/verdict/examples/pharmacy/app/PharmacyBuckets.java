package dev.verdict.examples.pharmacy.app;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;

/**
 * The pharmacy's own KV buckets (Idempotency-Key records, the placement directory): opened as they are, created with
 * the given configuration when missing. Several instances may start at once: a creation that fails because another
 * instance created the bucket meanwhile is fine – the bucket is then read again, and only a real failure is thrown.
 */
final class PharmacyBuckets {
    /** JetStream's error code for "bucket not found" (stream not found). */
    private static final int BUCKET_NOT_FOUND = 10059;

    private PharmacyBuckets() {}

    /** The bucket named in {@code config}, created with it when it does not exist yet. */
    static KeyValue ensure(Connection nats, KeyValueConfiguration config) throws IOException, JetStreamApiException {
        String bucket = config.getBucketName();
        KeyValueManagement kvm = nats.keyValueManagement();
        try {
            kvm.getStatus(bucket);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != BUCKET_NOT_FOUND) {
                throw e;
            }
            try {
                kvm.create(config);
            } catch (JetStreamApiException created) {
                kvm.getStatus(bucket); // created concurrently by another instance? then this succeeds
            }
        }
        return nats.keyValue(bucket);
    }
}
