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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NatsDataKeys} with a replicated key bucket (R3) on a three-node cluster: an erasure overwrites the stored key
 * in every replica's stream files. (The Raft log of the stream's group still holds it until its next snapshot: not
 * asserted, reported – see docs/personal-data.md.)
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
