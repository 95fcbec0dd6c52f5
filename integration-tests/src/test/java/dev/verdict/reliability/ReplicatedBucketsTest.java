package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.ProcessStateWrites;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a 3-node cluster, the dead-letter and process-state buckets are as replicated as the store they serve, and two
 * process instances on different nodes share an R3 state entry without a lost or doubled write.
 */
class ReplicatedBucketsTest {
    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    private static final ProcessManager<String, String, String> NOTHING = new ProcessManager<>() {
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

            NatsDeadLetters deadLetters = NatsDeadLetters.openForStream(nc, "replicated");
            ProcessProjection.builder(
                            NatsProcessStates.builder(nc)
                                    .replicasOfStream("replicated")
                                    .open(),
                            "replicated-process",
                            NOTHING,
                            TEXT,
                            c -> EntityRef.of("x", "y"),
                            (t, c, ctx) -> {})
                    .build();
            NatsDeadLetters explicit = NatsDeadLetters.open(nc, "dl-explicit", 3);

            assertThat(replicas(nc, NatsDeadLetters.DEFAULT_BUCKET)).isEqualTo(3);
            assertThat(replicas(nc, NatsProcessStates.BUCKET)).isEqualTo(3);
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
            NatsDeadLetters.open(nc, "dl-raised", 1);
            assertThat(replicas(nc, "dl-raised")).isEqualTo(1);

            NatsDeadLetters.open(nc, "dl-raised", 3);

            assertThat(replicas(nc, "dl-raised")).isEqualTo(3);
            NatsDeadLetters.open(nc, "dl-raised"); // the one-replica default never lowers it
            assertThat(replicas(nc, "dl-raised")).isEqualTo(3);
        }
    }

    /** Counts the events it saw; reacts to each with one command. */
    private static final ProcessManager<String, Long, String> COUNTING = new ProcessManager<>() {
        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long evolve(Long seen, String event) {
            return seen + 1;
        }

        @Override
        public List<String> react(Long seen, String event) {
            return List.of("ack-" + event);
        }
    };

    private static final StateCodec<Long> COUNT = new StateCodec<>() {
        @Override
        public byte[] encode(Long state) {
            return Long.toString(state).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Long decode(byte[] bytes) {
            return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
        }

        @Override
        public String fingerprint() {
            return "count-v1";
        }
    };

    @Test
    void twoInstancesOnDifferentNodesWriteTheR3ProcessStateOncePerEventInOrder() throws Exception {
        List<NatsServer> nodes = CLUSTER.cluster().nodes();
        try (Connection admin = CLUSTER.cluster().connect();
                Connection first = nodes.get(0).connect();
                Connection second = nodes.get(2).connect()) {
            Map<String, Integer> sends = new ConcurrentHashMap<>();
            CommandSender<String> recording =
                    (target, command, context) -> sends.merge(context.commandId(), 1, Integer::sum);
            ProcessProjection<String, Long, String> one = ProcessProjection.builder(
                            NatsProcessStates.builder(first).replicas(3).open(),
                            "counting",
                            COUNTING,
                            COUNT,
                            c -> EntityRef.of("x", "y"),
                            recording)
                    .build();
            ProcessProjection<String, Long, String> two = ProcessProjection.builder(
                            NatsProcessStates.builder(second).replicas(3).open(),
                            "counting",
                            COUNTING,
                            COUNT,
                            c -> EntityRef.of("x", "y"),
                            recording)
                    .build();
            assertThat(replicas(admin, NatsProcessStates.BUCKET)).isEqualTo(3);
            List<DeliveredEvent<String>> events = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                events.add(event(3L * i)); // sequences with gaps, as a filtered consumer delivers them
            }
            long writesBefore = ProcessStateWrites.bucketLastSequence(admin);
            List<KeyValueEntry> writes = new CopyOnWriteArrayList<>();
            NatsKeyValueWatchSubscription watch = ProcessStateWrites.watch(admin, "counting", writes);

            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = pool.submit(() -> applyAll(one, events, start));
                Future<?> b = pool.submit(() -> applyAll(two, events, start));
                a.get(120, TimeUnit.SECONDS);
                b.get(120, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            ProcessStateWrites.awaitLast(admin, "counting", writes);
            watch.unsubscribe();

            // a refused compare-and-set stores nothing: one message per successful write, one write per event
            assertThat(ProcessStateWrites.bucketLastSequence(admin) - writesBefore)
                    .as("one successful write of the instance and one of the checkpoint per event")
                    .isEqualTo(2L * events.size());
            ProcessStateWrites.assertInOrder(writes, events);
            assertThat(sends).as("every reaction sent, with one id per event").hasSize(events.size());
            assertThat(one.state()).isEqualTo(40L);
            assertThat(two.checkpoint()).hasValue(120L);
        }
    }

    private static Void applyAll(
            ProcessProjection<String, Long, String> host, List<DeliveredEvent<String>> events, CyclicBarrier start)
            throws Exception {
        start.await(30, TimeUnit.SECONDS);
        for (DeliveredEvent<String> event : events) {
            for (int attempt = 1; ; attempt++) {
                try {
                    host.apply(event);
                    break;
                } catch (ProjectionUnavailable e) {
                    if (attempt == 50) {
                        throw e;
                    }
                }
            }
        }
        return null;
    }

    private static DeliveredEvent<String> event(long sequence) {
        String id = "e-" + sequence;
        return new DeliveredEvent<>(
                id,
                new RecordedEvent(
                        EntityRef.of("thing", "t-" + (sequence % 5)),
                        sequence,
                        Instant.EPOCH,
                        id,
                        Instant.EPOCH,
                        new EncodedEvent("Happened", 1, new byte[0]),
                        "cmd-" + id,
                        "corr-" + id,
                        Optional.empty(),
                        Map.of()));
    }

    private static int replicas(Connection nc, String bucket) throws Exception {
        return nc.keyValueManagement().getStatus(bucket).getReplicas();
    }
}
