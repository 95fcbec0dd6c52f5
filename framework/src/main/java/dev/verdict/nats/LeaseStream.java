package dev.verdict.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PriorityPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Creates what the ownership of one scope needs on the server, idempotently, as every instance does on start: the
 * stream {@value NatsPartitionOwnership#STREAM}, one lease message per partition and one durable {@code pinned_client}
 * consumer per partition. An existing consumer is never updated in place (an update would move its pin).
 */
final class LeaseStream {
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final Connection connection;
    private final String scope;
    private final int partitions;
    private final Duration failoverAfter;
    private final int replicas;

    LeaseStream(Connection connection, String scope, int partitions, Duration failoverAfter, int replicas) {
        this.connection = connection;
        this.scope = scope;
        this.partitions = partitions;
        this.failoverAfter = failoverAfter;
        this.replicas = replicas;
    }

    /** Provisions the stream, the leases and the consumers; returns the consumers' names by partition. */
    String[] provision() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = connection.jetStreamManagement();
        provisionStream(jsm);
        String[] names = new String[partitions];
        for (int p = 0; p < partitions; p++) {
            provisionLease(jsm, p);
            names[p] = consumerName(scope, partitions, p);
        }
        return names;
    }

    static String consumerName(String scope, int partitions, int p) {
        return "owner-" + scope + "-" + p + "of" + partitions;
    }

    private String consumerName(int p) {
        return consumerName(scope, partitions, p);
    }

    private String leaseSubject(int p) {
        return "$VERDICT.owners." + scope + "." + partitions + "." + p;
    }

    private void provisionStream(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(NatsPartitionOwnership.STREAM);
        } catch (JetStreamApiException e) {
            // missing: create it (an identical concurrent create by another instance succeeds too)
            jsm.addStream(StreamConfiguration.builder()
                    .name(NatsPartitionOwnership.STREAM)
                    .subjects("$VERDICT.owners.>")
                    .description("Verdict: one lease message per partition of routed commands")
                    .storageType(StorageType.File)
                    .maxMessagesPerSubject(1)
                    .replicas(replicas)
                    .build());
        }
    }

    private void provisionLease(JetStreamManagement jsm, int p) throws IOException, JetStreamApiException {
        try {
            connection
                    .jetStream()
                    .publish(
                            leaseSubject(p),
                            ("lease " + p + " of " + partitions).getBytes(StandardCharsets.UTF_8),
                            PublishOptions.builder()
                                    .expectedLastSubjectSequence(0)
                                    .build());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE && e.getApiErrorCode() != WRONG_LAST_SEQUENCE_CLUSTERED) {
                throw e;
            }
            // the lease exists (another instance wrote it)
        }
        try {
            jsm.getConsumerInfo(NatsPartitionOwnership.STREAM, consumerName(p));
            return; // never updated in place: an update would move the pin away from the owner
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
        }
        try {
            createConsumer(jsm, p);
        } catch (JetStreamApiException e) {
            jsm.getConsumerInfo(
                    NatsPartitionOwnership.STREAM, consumerName(p)); // another instance created it first: fine
        }
    }

    private void createConsumer(JetStreamManagement jsm, int p) throws IOException, JetStreamApiException {
        jsm.createConsumer(
                NatsPartitionOwnership.STREAM,
                ConsumerConfiguration.builder()
                        .durable(consumerName(p))
                        .filterSubject(leaseSubject(p))
                        .deliverPolicy(DeliverPolicy.All)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(failoverAfter)
                        .maxDeliver(-1)
                        .priorityPolicy(PriorityPolicy.PinnedClient)
                        .priorityGroups(NatsPartitionOwnership.GROUP)
                        .priorityTimeout(failoverAfter)
                        .description(
                                "Verdict: the owner of partition " + p + " of " + partitions + " of '" + scope + "'")
                        .build());
    }
}
