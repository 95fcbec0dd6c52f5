package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KvCompareAndSet} on a real server and on a three-node cluster with a replicated bucket (where nats-server
 * answers a failed expected-last-sequence check with 10164 instead of 10071): create-if-absent, update-at-revision,
 * a conflict as a typed result, a deleted key created again.
 */
class KvCompareAndSetTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Test
    void onOneServer() throws Exception {
        checkCompareAndSet(NATS.connection(), 1);
    }

    @Test
    void onAReplicatedBucket() throws Exception {
        try (Connection nc = CLUSTER.cluster().connect()) {
            checkCompareAndSet(nc, 3);
        }
    }

    private static void checkCompareAndSet(Connection nc, int replicas) throws Exception {
        String bucket = "cas-r" + replicas;
        nc.keyValueManagement()
                .create(KeyValueConfiguration.builder()
                        .name(bucket)
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .build());
        KeyValue kv = nc.keyValue(bucket);

        KvCompareAndSet.Result first = KvCompareAndSet.create(kv, "k", bytes("a"));
        assertThat(first).isInstanceOf(KvCompareAndSet.Written.class);
        long revision = ((KvCompareAndSet.Written) first).revision();
        assertThat(KvCompareAndSet.create(kv, "k", bytes("b")))
                .as("create on an existing key")
                .isEqualTo(new KvCompareAndSet.Conflict());

        KvCompareAndSet.Result second = KvCompareAndSet.update(kv, "k", bytes("c"), revision);
        assertThat(second.written()).isTrue();
        assertThat(KvCompareAndSet.update(kv, "k", bytes("d"), revision))
                .as("update at a revision that moved on")
                .isEqualTo(new KvCompareAndSet.Conflict());
        assertThat(new String(kv.get("k").getValue(), StandardCharsets.UTF_8)).isEqualTo("c");

        kv.delete("k");
        assertThat(KvCompareAndSet.create(kv, "k", bytes("e")).written())
                .as("create after a delete")
                .isTrue();
        assertThat(new String(kv.get("k").getValue(), StandardCharsets.UTF_8)).isEqualTo("e");

        // the raw refusal carries one of the two codes the helper folds into Conflict
        JetStreamApiException raw = null;
        try {
            kv.update("k", bytes("f"), 1);
        } catch (JetStreamApiException e) {
            raw = e;
        }
        assertThat(raw).as("a stale revision is refused").isNotNull();
        assertThat(raw.getApiErrorCode())
                .isIn(KvCompareAndSet.WRONG_LAST_SEQUENCE, KvCompareAndSet.WRONG_LAST_SEQUENCE_CLUSTERED);
        assertThat(KvCompareAndSet.isConflict(raw)).isTrue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
