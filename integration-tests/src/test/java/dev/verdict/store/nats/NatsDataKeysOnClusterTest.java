package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.StoredBytes;
import io.nats.client.Connection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NatsDataKeys} with a replicated key bucket (R3) on a three-node cluster: an erasure overwrites the stored key
 * in every replica's stream files. (The Raft log of the stream's group still holds it until its next snapshot: not
 * asserted, reported – see docs/personal-data.md.) An erasure made through one node reaches the instances connected to
 * the others within the stated bound.
 */
class NatsDataKeysOnClusterTest {
    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @Test
    void erasureOnAReplicatedBucket() throws Exception {
        try (Connection nc = CLUSTER.cluster().connect()) {
            NatsDataKeys keys = NatsDataKeys.open(
                    nc, NatsDataKeys.Settings.of("r3", newKek()).withReplicas(3).withCacheFor(Duration.ofSeconds(1)));
            keys.keyForWriting("p-1").orElseThrow();
            String wrapped = new ObjectMapper()
                    .readTree(nc.keyValue("r3-personal-keys")
                            .get(NatsDataKeys.kvKey("p-1"))
                            .getValue())
                    .path("key")
                    .asText();
            List<Path> dirs = new ArrayList<>();
            for (NatsServer node : CLUSTER.cluster().nodes()) {
                dirs.add(((LocalNatsServer) node).storeDir());
            }
            awaitOnEveryNode(dirs, wrapped);

            keys.erase("p-1");
            // the leader answers once it applied the erase; a follower applies it when the commit reaches it, a
            // moment later (under a load average of 20 one follower's stream file still held the key right after)
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (found(dirs, wrapped).stream().anyMatch(f -> !isRaftLog(f)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Path> left = found(dirs, wrapped);
            // every replica's stream files are overwritten by the message erase...
            assertThat(left.stream().filter(f -> !isRaftLog(f)))
                    .as("stream files still holding the erased wrapped key")
                    .isEmpty();
            // ...but the Raft log of the stream's group keeps the proposal until the group's next snapshot compacts
            // it (measured: still there right after the erasure on all three nodes) – docs/personal-data.md says so
            System.out.println("Raft log files holding the erased key right after erasure: " + left.size());
        }
    }

    @Test
    void anErasureOnOneNodeReachesTheInstancesOnTheOthersWithinTheBound() throws Exception {
        List<NatsServer> nodes = CLUSTER.cluster().nodes();
        List<Connection> connections = new ArrayList<>();
        try {
            for (NatsServer node : nodes) {
                connections.add(node.connect()); // one instance per node
            }
            KeyEncryptionKey kek = newKek();
            List<NatsDataKeys> instances = new ArrayList<>();
            List<CopyOnWriteArrayList<String>> heard = new ArrayList<>();
            for (Connection c : connections) {
                NatsDataKeys keys = NatsDataKeys.open(
                        c,
                        NatsDataKeys.Settings.of("watch3", kek).withReplicas(3).withCacheFor(Duration.ofHours(1)));
                CopyOnWriteArrayList<String> erased = new CopyOnWriteArrayList<>();
                keys.onErasure(erased::add);
                instances.add(keys);
                heard.add(erased);
            }
            SecretKey key = instances.get(0).keyForWriting("p-9").orElseThrow();
            for (NatsDataKeys keys : instances) {
                assertThat(keys.keyForReading("p-9")).contains(key); // cached on every instance, for an hour
            }

            long erasedAt = System.nanoTime();
            try (Connection tool = nodes.get(2).connect()) {
                NatsDataKeys.openForErasure(tool, "watch3-personal-keys")
                        .orElseThrow()
                        .erase("p-9");
            }
            long giveUp = erasedAt + Duration.ofSeconds(6).toNanos();
            while (heard.stream().anyMatch(List::isEmpty) && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - erasedAt);
            for (int i = 0; i < instances.size(); i++) {
                assertThat(heard.get(i))
                        .as("erasures heard by the instance on node " + i)
                        .containsExactly("p-9");
                assertThat(instances.get(i).keyForReading("p-9"))
                        .as("the key on node " + i)
                        .isEmpty();
            }
            assertThat(took).as("until every instance had dropped the key").isLessThanOrEqualTo(Duration.ofSeconds(2));
            instances.forEach(NatsDataKeys::close);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** A file of a Raft group's log: {@code <store>/$SYS/_js_/<group>/...}. */
    private static boolean isRaftLog(Path file) {
        for (Path part : file) {
            if (part.toString().equals("_js_")) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> found(List<Path> dirs, String text) {
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            files.addAll(StoredBytes.filesContaining(dir, text));
        }
        return files;
    }

    private static void awaitOnEveryNode(List<Path> dirs, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Path dir : dirs) {
            while (StoredBytes.filesContaining(dir, text).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(StoredBytes.filesContaining(dir, text))
                    .as("written on " + dir)
                    .isNotEmpty();
        }
    }

    private static KeyEncryptionKey newKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return KeyEncryptionKey.aes(key);
    }
}
