package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.nats.StreamReplicas;
import dev.verdict.testing.postgres.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance of issue 13: the pharmacy app run as <b>three instances</b> – three real JVMs started with {@code
 * PharmacyApp}'s own main and the environment {@code scripts/pharmacy} passes ({@code NATS_URL}, {@code JDBC_URL},
 * {@code PORT}, {@code DATA_DIR}) – on one event store and one PostgreSQL read model. Every instance starts every
 * runner (the read model {@link PatientPrescriptions} and the process manager {@link PharmacyProcess}), as every
 * replica of a service does. Commands go to random instances (each with an idempotency key, sent again to another
 * instance when its instance dies); the instance whose read model runner is active (told by PostgreSQL, which sees each
 * instance's connection by its {@code ApplicationName}) is killed with SIGKILL mid-load and started again; on the
 * cluster ({@code NATS_REPLICAS=3}) the stream leader is stopped and restarted as well. An instance that exits while
 * starting (e.g. while the cluster has no stream leader) is started again, as a supervisor would.
 *
 * <p>Afterwards, with every instance running again:
 *
 * <ul>
 *   <li>the read model table equals a clean replay of the stream through the same handler into a fresh database;
 *   <li>every prescription event was applied exactly once (a trigger on the read model's table records each applied
 *       change: one row per event, none missing, none twice);
 *   <li>the stock equals what the events imply: the stream's receipts minus its deductions, never below zero;
 *   <li>every dispense and its stock deduction were stored together (one atomic append: the same command id and units
 *       on the prescription and on the stock), none without the other, none twice;
 *   <li>the process manager (reorders below a threshold) stored no reaction twice.
 * </ul>
 *
 * <p>With {@code -Dpharmacy.test.mode=sharded-routed} ({@link TestMode}) the instances run with {@code STORE_SHARDS=4}
 * and {@code COMMAND_ROUTING=owner}: the truth is then read from every shard stream, the read model from every shard's
 * table, and "the stream leader" is shard 0's. The scenarios run here; the instances, the load and the checks are
 * {@link InstancesScenario}, {@link PharmacyInstance}, {@link PharmacyLoad}, {@link StoreVerdict} and {@link
 * StoredTruth}.
 */
class SeveralInstancesTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    @TempDir
    Path temp;

    @Test
    void threeInstancesOnOneServerKeepTheReadModelAndTheStockTrueWhileOneIsKilledAndRestarted() throws Exception {
        String natsUrl = NATS.server().url();
        try (InstancesScenario s = new InstancesScenario("single", natsUrl, 1, false, POSTGRES.server(), temp)) {
            s.startInstances();
            s.startLoad();
            s.sleep(Duration.ofSeconds(8));
            int active = s.activeReadModelInstance();
            s.kill(active);
            s.sleep(Duration.ofSeconds(5));
            s.restart(active);
            s.sleep(Duration.ofSeconds(8));
            s.stopLoad();
            s.verify();
        }
    }

    /**
     * Issue 28: the same with owner-routed commands ({@code COMMAND_ROUTING=owner}) – each instance owns some of the
     * 16 partitions and decides their commands, the others forward to it. The instance killed is the one owning the
     * most partitions: the survivors take them over within the take-over bound ({@code NatsPartitionOwnership.takeOverBound()},
     * 2 × 5 s + 1.25 s with the pharmacy's settings), measured from the SIGKILL to the survivor's log saying it owns
     * the partition; and nothing is lost or stored twice (the same verdict as unrouted).
     */
    @Test
    void threeOwnerRoutedInstancesKeepTheReadModelAndTheStockTrueAndTakeOverTheKilledOwnersPartitionsInTime()
            throws Exception {
        String natsUrl = NATS.server().url();
        try (InstancesScenario s = new InstancesScenario("routed", natsUrl, 1, true, POSTGRES.server(), temp)) {
            s.startInstances();
            s.startLoad();
            s.sleep(Duration.ofSeconds(8));
            int active = s.instanceOwningMostPartitions();
            s.kill(active);
            long killed = System.nanoTime();
            // read after the kill: a partition it handed over (balancing) just before is not its own any more
            Set<Integer> owned = s.instances.get(active).ownedPartitions();
            assertThat(owned).as("partitions owned by the instance killed").isNotEmpty();
            Map<Integer, Duration> takeOver = s.awaitTakeOver(active, owned, killed, TAKE_OVER_BOUND.plusSeconds(10));
            s.note("partitions " + owned + " taken over after " + takeOver);
            s.restart(active);
            s.sleep(Duration.ofSeconds(8));
            s.stopLoad();
            s.verify();
            assertThat(takeOver.values()).allSatisfy(d -> assertThat(d).isLessThan(TAKE_OVER_BOUND.plusSeconds(1)));
        }
    }

    /** The pharmacy's take-over bound: 2 × failoverAfter (5 s) + failoverAfter / 4. */
    private static final Duration TAKE_OVER_BOUND = Duration.ofMillis(11_250);

    @Test
    void threeInstancesOnAnR3ClusterKeepTheReadModelAndTheStockTrueWhileTheStreamLeaderAndAnInstanceAreLost()
            throws Exception {
        NatsCluster cluster = CLUSTER.cluster();
        try (InstancesScenario s =
                new InstancesScenario("cluster", cluster.urls(), 3, false, POSTGRES.server(), temp)) {
            s.startInstances();
            s.startLoad();
            s.sleep(Duration.ofSeconds(6));
            int active = s.activeReadModelInstance();
            s.kill(active);
            s.sleep(Duration.ofSeconds(2));
            // the stream, or shard 0's when sharded
            String stream = TestMode.streams().get(0);
            String leader = StreamReplicas.awaitLeader(s.nats, stream, Duration.ofSeconds(30));
            NatsServer node = cluster.node(leader);
            s.note("stopping stream leader " + leader);
            node.stop();
            s.sleep(Duration.ofSeconds(3));
            s.restart(active);
            s.sleep(Duration.ofSeconds(3));
            node.start();
            s.note("restarted " + leader);
            for (String each : TestMode.streams()) {
                StreamReplicas.awaitAllCurrent(s.nats, each, Duration.ofSeconds(60));
            }
            s.sleep(Duration.ofSeconds(6));
            s.stopLoad();
            s.verify();
        }
    }
}
