package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 28's "the server moved 3 of 16 pins shortly after many instances started": an instance received the leases of
 * its first partitions while it still provisioned the others, with the lock its lease dispatcher needed held, so that
 * dispatcher pulled no more; after {@code failoverAfter} the server moved those pins to another instance. Here three
 * instances start at once on many partitions: once a partition has an owner, it keeps it.
 */
class OwnershipWhileInstancesStartTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int PARTITIONS = 48;
    private static final Duration FAILOVER = Duration.ofSeconds(2);

    @Test
    void threeInstancesStartingAtOnceKeepThePartitionsTheyReceivedFirst() throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<NatsPartitionOwnership> owners = new ArrayList<>();
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) {
                Connection c = Nats.connect(NATS.server().url());
                connections.add(c);
                owners.add(NatsPartitionOwnership.builder(c, "starting")
                        .partitions(PARTITIONS)
                        .failoverAfter(FAILOVER)
                        .build());
            }
            List<Future<?>> started = new ArrayList<>();
            for (NatsPartitionOwnership o : owners) {
                started.add(starting.submit(() -> o.start((p, request) -> CompletableFuture.completedFuture(request))));
            }
            // the first instance seen owning each partition alone, and every other one seen owning it alone later
            Map<Integer, Integer> first = new TreeMap<>();
            Map<Integer, List<Integer>> moves = new TreeMap<>();
            long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            while (System.nanoTime() < end) {
                for (int p = 0; p < PARTITIONS; p++) {
                    int owner = -1;
                    int count = 0;
                    for (int i = 0; i < owners.size(); i++) {
                        if (owners.get(i).owns(p)) {
                            owner = i;
                            count++;
                        }
                    }
                    if (count == 1) {
                        Integer was = first.putIfAbsent(p, owner);
                        if (was != null && was != owner) {
                            List<Integer> seen = moves.computeIfAbsent(p, x -> new ArrayList<>());
                            if (seen.isEmpty() || seen.get(seen.size() - 1) != owner) {
                                seen.add(owner);
                            }
                        }
                    }
                }
                Thread.sleep(20);
            }
            for (Future<?> f : started) {
                f.get();
            }

            assertThat(first).as("partitions with an owner").hasSize(PARTITIONS);
            assertThat(moves)
                    .as("partitions whose owner changed after they had one (first owners " + first + ")")
                    .isEmpty();
        } finally {
            owners.forEach(NatsPartitionOwnership::close);
            for (Connection c : connections) {
                c.close();
            }
            starting.shutdownNow();
        }
    }
}
