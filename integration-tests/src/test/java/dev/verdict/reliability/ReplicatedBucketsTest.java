package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Process;
import dev.verdict.projection.DeadLetter;
import dev.verdict.projection.DeadLetterStore;
import dev.verdict.projection.PoisonReason;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsClusterExtension;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On a 3-node cluster, the dead-letter and process-state buckets are as replicated as the store they serve. */
class ReplicatedBucketsTest {
    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final Process<String, String, String> NOTHING = new Process<>() {
        @Override
        public String initialState() {
            return "";
        }

        @Override
        public String evolve(String state, String event) {
            return state;
        }

        @Override
        public List<String> react(String state, String event) {
            return List.of();
        }
    };

    private static final StateCodec<String> TEXT = new StateCodec<>() {
        @Override
        public byte[] encode(String state) {
            return state.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String fingerprint() {
            return "text-v1";
        }
    };

    @Test
    void bucketsServingAnR3StoreHaveThreeReplicas() throws Exception {
        try (Connection nc = CLUSTER.cluster().connect()) {
            NatsEventStore.create(
                    nc,
                    NatsEventStoreConfig.builder()
                            .storeName(StoreName.of("replicated"))
                            .replicas(3)
                            .build());

            DeadLetterStore deadLetters = DeadLetterStore.openForStream(nc, "replicated");
            ProcessProjection.builder(
                            nc, "replicated-process", NOTHING, TEXT, c -> EntityRef.of("x", "y"), (t, c, ctx) -> {})
                    .replicasOfStream("replicated")
                    .build();
            DeadLetterStore explicit = DeadLetterStore.open(nc, "dl-explicit", 3);

            assertThat(replicas(nc, DeadLetterStore.DEFAULT_BUCKET)).isEqualTo(3);
            assertThat(replicas(nc, ProcessProjection.BUCKET)).isEqualTo(3);
            assertThat(replicas(nc, "dl-explicit")).isEqualTo(3);
            DeadLetter letter = new DeadLetter(
                    "list",
                    "replicated",
                    7,
                    "replicated.counter.c-1",
                    Optional.empty(),
                    PoisonReason.UNDECODABLE_EVENT,
                    "unknown type",
                    3,
                    Instant.parse("2026-11-30T12:00:00Z"));
            deadLetters.record(letter);
            explicit.record(letter);
            assertThat(deadLetters.find("replicated", "list", 7)).contains(letter);
            assertThat(explicit.sequences("replicated", "list")).containsExactly(7L);
        }
    }

    @Test
    void anExistingBucketWithFewerReplicasIsRaisedToTheStores() throws Exception {
        try (Connection nc = CLUSTER.cluster().connect()) {
            DeadLetterStore.open(nc, "dl-raised", 1);
            assertThat(replicas(nc, "dl-raised")).isEqualTo(1);

            DeadLetterStore.open(nc, "dl-raised", 3);

            assertThat(replicas(nc, "dl-raised")).isEqualTo(3);
            DeadLetterStore.open(nc, "dl-raised"); // the one-replica default never lowers it
            assertThat(replicas(nc, "dl-raised")).isEqualTo(3);
        }
    }

    private static int replicas(Connection nc, String bucket) throws Exception {
        return nc.keyValueManagement().getStatus(bucket).getReplicas();
    }
}
