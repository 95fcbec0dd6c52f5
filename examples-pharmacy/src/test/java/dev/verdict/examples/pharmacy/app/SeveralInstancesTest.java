package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.testing.nats.NatsCluster;
import dev.verdict.testing.nats.NatsClusterExtension;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.nats.StreamReplicas;
import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 */
class SeveralInstancesTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @RegisterExtension
    static final NatsClusterExtension CLUSTER = NatsClusterExtension.ofSize(3);

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    private static final StoreName STORE = StoreName.of("pharmacy");
    private static final Pattern OWNS = Pattern.compile("(?<!no longer )owns partition (\\d+) of");
    private static final Pattern NO_LONGER_OWNS = Pattern.compile("no longer owns partition (\\d+) of");
    private static final String[] DRUGS = {"aspirin", "amoxicillin", "ibuprofen"};
    /**
     * Little stock, so dispenses take a drug below the reorder threshold ({@link PharmacyProcess#DEFAULT_THRESHOLD})
     * again and again (client 0 receives some now and then) and the process manager reacts throughout the load, also
     * while an instance is killed. Dispenses refused for want of units are noted, not errors.
     */
    private static final int INITIAL_STOCK = 150;

    private static final int CLIENTS = 6;
    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    private static final JsonEventCodec<PrescriptionEvent> PRESCRIPTIONS = JsonEventCodec.of(PrescriptionEvent.class);
    private static final JsonEventCodec<InventoryEvent> INVENTORY = JsonEventCodec.of(InventoryEvent.class);

    @TempDir
    Path temp;

    @Test
    void threeInstancesOnOneServerKeepTheReadModelAndTheStockTrueWhileOneIsKilledAndRestarted() throws Exception {
        String natsUrl = NATS.server().url();
        try (Scenario s = new Scenario("single", natsUrl, 1)) {
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
        try (Scenario s = new Scenario("routed", natsUrl, 1, true)) {
            s.startInstances();
            s.startLoad();
            s.sleep(Duration.ofSeconds(8));
            int active = s.instanceOwningMostPartitions();
            Set<Integer> owned = s.instances.get(active).ownedPartitions();
            assertThat(owned).as("partitions owned by the instance killed").isNotEmpty();
            s.kill(active);
            long killed = System.nanoTime();
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
        try (Scenario s = new Scenario("cluster", cluster.urls(), 3)) {
            s.startInstances();
            s.startLoad();
            s.sleep(Duration.ofSeconds(6));
            int active = s.activeReadModelInstance();
            s.kill(active);
            s.sleep(Duration.ofSeconds(2));
            String leader = StreamReplicas.awaitLeader(s.nats, STORE.value(), Duration.ofSeconds(30));
            NatsServer node = cluster.node(leader);
            s.note("stopping stream leader " + leader);
            node.stop();
            s.sleep(Duration.ofSeconds(3));
            s.restart(active);
            s.sleep(Duration.ofSeconds(3));
            node.start();
            s.note("restarted " + leader);
            StreamReplicas.awaitAllCurrent(s.nats, STORE.value(), Duration.ofSeconds(60));
            s.sleep(Duration.ofSeconds(6));
            s.stopLoad();
            s.verify();
        }
    }

    /** Three app instances, the load, and the verdict. */
    private final class Scenario implements AutoCloseable {
        private final String name;
        private final String natsUrl;
        private final int replicas;
        private final boolean routed;
        private final String jdbcUrl;
        private final Connection nats;
        private final List<Instance> instances = new ArrayList<>();
        private final Load load = new Load();
        private final long started = System.nanoTime();
        private volatile boolean closed;
        /** The stream's last sequence when an instance was killed. */
        private volatile long killedAt = Long.MAX_VALUE;

        private final Thread killOnExit = new Thread(this::killAll, "several-instances-kill");

        Scenario(String name, String natsUrl, int replicas) throws Exception {
            this(name, natsUrl, replicas, false);
        }

        /** {@code routed}: the instances run with {@code COMMAND_ROUTING=owner}. */
        Scenario(String name, String natsUrl, int replicas, boolean routed) throws Exception {
            this.name = name;
            this.natsUrl = natsUrl;
            this.replicas = replicas;
            this.routed = routed;
            this.jdbcUrl = POSTGRES.server().createDatabase("several_" + name);
            this.nats = Nats.connect(Options.builder()
                    .server(natsUrl)
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(100))
                    .connectionTimeout(Duration.ofSeconds(5))
                    .build());
            prepareAuditedReadModel(jdbcUrl);
            load.scenario = this;
            Runtime.getRuntime().addShutdownHook(killOnExit);
            for (int i = 0; i < 3; i++) {
                instances.add(new Instance(i, this));
            }
        }

        void note(String what) {
            System.out.printf("[several-instances %s +%.1fs] %s%n", name, (System.nanoTime() - started) / 1e9, what);
        }

        void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
        }

        void startInstances() throws Exception {
            for (Instance instance : instances) {
                instance.launch();
            }
            for (Instance instance : instances) {
                instance.awaitListening();
            }
            note("3 instances listening: "
                    + instances.stream().map(i -> i.url.toString()).collect(Collectors.joining(", ")));
            // a little stock first: see INITIAL_STOCK
            for (String drug : DRUGS) {
                load.send("/inventory/" + drug + "/receive", "{\"quantity\":" + INITIAL_STOCK + "}", "stock-" + drug);
            }
        }

        void startLoad() {
            load.start();
            note("load started: " + CLIENTS + " clients");
        }

        void stopLoad() throws Exception {
            awaitAllServing();
            load.stop();
            note("load stopped: " + load.accepted.get() + " commands accepted, " + load.retried.get()
                    + " retried on another instance, " + load.rejected.size() + " refused, " + load.lifecycles.get()
                    + " prescriptions"
                    + (load.rejected.isEmpty() ? "" : "; refused: " + load.rejected));
        }

        /**
         * The instance whose read model runner is the active one: its JDBC connection (named by {@code ApplicationName}
         * in its JDBC URL) is the one PostgreSQL saw busy last, in most of ten samples.
         */
        int activeReadModelInstance() throws Exception {
            Map<String, Integer> votes = new HashMap<>();
            try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "");
                    PreparedStatement s = c.prepareStatement("SELECT application_name FROM pg_stat_activity"
                            + " WHERE application_name LIKE 'pharmacy-%' ORDER BY state_change DESC LIMIT 1")) {
                for (int i = 0; i < 10; i++) {
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            votes.merge(r.getString(1), 1, Integer::sum);
                        }
                    }
                    Thread.sleep(100);
                }
            }
            String busiest = votes.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElseThrow(() -> new AssertionError("no instance has a connection to the read model"));
            note("the read model runs on " + busiest + " (samples " + votes + ")");
            return Integer.parseInt(busiest.substring("pharmacy-".length()));
        }

        void kill(int index) throws Exception {
            killedAt = nats.jetStreamManagement()
                    .getStreamInfo(STORE.value())
                    .getStreamState()
                    .getLastSequence();
            instances.get(index).kill();
            note("killed instance " + index + " (SIGKILL)");
        }

        /** Starts the instance again; like a supervisor, keeps starting it until it serves (see awaitAllServing). */
        void restart(int index) throws Exception {
            Instance instance = instances.get(index);
            instance.launch();
            Thread supervisor = new Thread(
                    () -> {
                        try {
                            instance.awaitListening();
                            note("restarted instance " + index + " serves at " + instance.url);
                        } catch (Throwable e) {
                            instance.failure = e;
                        }
                    },
                    "supervisor-" + index);
            supervisor.setDaemon(true);
            instance.supervisor = supervisor;
            supervisor.start();
            note("restarting instance " + index);
        }

        /** The instance that owns the most partitions now (by the instances' logs). */
        int instanceOwningMostPartitions() throws IOException {
            int most = 0;
            Map<Integer, Set<Integer>> owned = new TreeMap<>();
            for (Instance i : instances) {
                owned.put(i.index, i.ownedPartitions());
                if (i.ownedPartitions().size()
                        > instances.get(most).ownedPartitions().size()) {
                    most = i.index;
                }
            }
            note("partitions owned: " + owned);
            return most;
        }

        /**
         * Waits until every partition in {@code owned} is owned by another instance than {@code killedIndex} (its log
         * says so after {@code killedAt}), at most {@code limit}: the time each took from {@code killedAt}.
         */
        Map<Integer, Duration> awaitTakeOver(int killedIndex, Set<Integer> owned, long killedAt, Duration limit)
                throws Exception {
            Map<Integer, Duration> taken = new TreeMap<>();
            Map<Integer, Integer> seen = new HashMap<>();
            for (Instance i : instances) {
                seen.put(i.index, i.ownershipLines().size());
            }
            while (taken.size() < owned.size()) {
                if (System.nanoTime() - killedAt > limit.toNanos()) {
                    throw new AssertionError("partitions " + owned + " of the killed instance: only " + taken
                            + " taken over within " + limit);
                }
                for (Instance i : instances) {
                    if (i.index == killedIndex) {
                        continue;
                    }
                    List<String> lines = i.ownershipLines();
                    for (String line : lines.subList(seen.get(i.index), lines.size())) {
                        Matcher m = OWNS.matcher(line);
                        if (m.find() && owned.contains(Integer.parseInt(m.group(1)))) {
                            taken.putIfAbsent(
                                    Integer.parseInt(m.group(1)), Duration.ofNanos(System.nanoTime() - killedAt));
                        }
                    }
                    seen.put(i.index, lines.size());
                }
                Thread.sleep(50);
            }
            return taken;
        }

        void awaitAllServing() throws Exception {
            for (Instance instance : instances) {
                Thread supervisor = instance.supervisor;
                if (supervisor != null) {
                    supervisor.join(Duration.ofSeconds(120).toMillis());
                }
                if (instance.failure != null) {
                    throw new AssertionError("instance " + instance.index + " did not start again", instance.failure);
                }
                assertThat(instance.url)
                        .as("instance " + instance.index + " serves")
                        .isNotNull();
            }
        }

        List<URI> liveUrls() {
            List<URI> urls = new ArrayList<>();
            for (Instance instance : instances) {
                URI url = instance.url;
                if (url != null) {
                    urls.add(url);
                }
            }
            return urls;
        }

        void verify() throws Exception {
            List<RecordedEvent> events = new ArrayList<>();
            readStream(nats, events);
            List<RecordedEvent> prescriptionEvents = events.stream()
                    .filter(e -> e.entity().category().value().equals(PrescriptionDecider.TYPE.category()))
                    .toList();
            Map<String, List<Object>> expectedRows = cleanReplay(prescriptionEvents);
            note(prescriptionEvents.size() + " prescription events, " + expectedRows.size() + " prescriptions");
            assertThat(load.unanswered)
                    .as("clients that found no instance to answer")
                    .isEmpty();
            assertThat(load.accepted.get())
                    .as("commands accepted during the load")
                    .isGreaterThan(100);
            assertThat(expectedRows).as("prescriptions in the stream").isNotEmpty();

            long deadline = System.nanoTime() + CONVERGENCE.toNanos();
            Verdict verdict;
            while (true) {
                readStream(nats, events);
                verdict = new Verdict(events, prescriptionEvents, expectedRows, readRows(), readAudit());
                if (verdict.problems().isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            note(
                    verdict.problems().isEmpty()
                            ? "read model, audit, stock and reactions all equal the truth\n" + consumerLog()
                            : "diverged for good:\n  " + String.join("\n  ", verdict.problems()) + "\n"
                                    + consumerLog());
            List<String> problems = verdict.problems();
            assertThat(problems)
                    .as("divergences from the truth " + CONVERGENCE.toSeconds() + " s after the load ("
                            + load.accepted.get() + " commands, " + prescriptionEvents.size()
                            + " prescription events, instance killed mid-load"
                            + (replicas > 1 ? ", stream leader lost" : "") + ")")
                    .isEmpty();
            long firedAfterKill =
                    verdict.triggerSequences.stream().filter(q -> q > killedAt).count();
            note(verdict.reactionsOwed + " reorders owed: each stored once, except " + verdict.reorderedTooLate
                    + " that decided nothing because stock was received before the process reacted; " + firedAfterKill
                    + " of them triggered after the kill (stream sequence " + killedAt + ")");
            assertThat(firedAfterKill)
                    .as("the process manager reacted while an instance was dead or after (so 'stored once' is tested)")
                    .isPositive();
        }

        /** What the instances logged about their consumers (to explain a divergence). */
        private String consumerLog() {
            StringBuilder b = new StringBuilder("  consumer activity in the instances' logs:");
            for (Instance instance : instances) {
                try {
                    List<String> lines = Files.readAllLines(instance.log).stream()
                            .filter(l -> l.contains("consumer")
                                    || l.contains("instance")
                                    || l.contains("checkpoint")
                                    || l.contains("dead letter")
                                    || l.contains("ERROR"))
                            .toList();
                    b.append("\n    instance ")
                            .append(instance.index)
                            .append(": ")
                            .append(lines.size())
                            .append(" lines");
                    lines.stream()
                            .limit(6)
                            .forEach(l -> b.append("\n      ").append(l.length() > 240 ? l.substring(0, 240) : l));
                } catch (IOException e) {
                    b.append("\n    instance ")
                            .append(instance.index)
                            .append(": no log (")
                            .append(e)
                            .append(')');
                }
            }
            return b.toString();
        }

        private Map<String, List<Object>> readRows() throws SQLException {
            try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "")) {
                return rows(c);
            }
        }

        private Map<Long, Integer> readAudit() throws SQLException {
            Map<Long, Integer> applied = new HashMap<>();
            try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "");
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT version, count(*) FROM applied_events GROUP BY version")) {
                while (r.next()) {
                    applied.put(r.getLong(1), r.getInt(2));
                }
            }
            return applied;
        }

        /** The read model as a single runner would build it: the same handler, a fresh database, stream order. */
        private Map<String, List<Object>> cleanReplay(List<RecordedEvent> prescriptionEvents) throws SQLException {
            String url = POSTGRES.server().createDatabase("replay_" + name);
            try (java.sql.Connection c = DriverManager.getConnection(url, PostgresServer.USER, "")) {
                PatientPrescriptionsTable.UNSHARDED.create(c);
                c.setAutoCommit(false);
                for (RecordedEvent e : prescriptionEvents) {
                    PatientPrescriptionsTable.UNSHARDED.apply(c, PRESCRIPTIONS.decode(e.event()), e.sequence());
                }
                c.commit();
                return rows(c);
            }
        }

        private void killAll() {
            closed = true;
            for (Instance instance : instances) {
                instance.kill();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                load.stop();
            } finally {
                killAll();
                Runtime.getRuntime().removeShutdownHook(killOnExit);
                nats.close();
            }
        }
    }

    /** The checks, each a sentence when it fails. */
    private static final class Verdict {
        private final List<String> problems = new ArrayList<>();
        /** Reactions the process manager owes for the stream's events (reorders below the threshold). */
        private int reactionsOwed;
        /** The stream sequences of the events that owe reactions. */
        private final List<Long> triggerSequences = new ArrayList<>();
        /** Reorders that decided nothing because stock was received before the process reacted. */
        private int reorderedTooLate;

        /** A deduction that took a drug below the reorder threshold. */
        private record Trigger(String eventId, String drug) {}

        Verdict(
                List<RecordedEvent> all,
                List<RecordedEvent> prescriptionEvents,
                Map<String, List<Object>> expectedRows,
                Map<String, List<Object>> actualRows,
                Map<Long, Integer> applied) {
            compareRows(expectedRows, actualRows);
            checkAppliedOnce(prescriptionEvents, applied);
            checkStockAndReactions(all, prescriptionEvents);
        }

        List<String> problems() {
            return problems;
        }

        private void compareRows(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            List<String> differ = new ArrayList<>();
            for (Map.Entry<String, List<Object>> e : expected.entrySet()) {
                List<Object> row = actual.get(e.getKey());
                if (row == null) {
                    missing.add(e.getKey());
                } else if (!row.equals(e.getValue())) {
                    differ.add(e.getKey() + " is " + row + ", replay says " + e.getValue());
                }
            }
            actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(extra::add);
            if (!missing.isEmpty()) {
                problems.add("read model lacks " + missing.size() + " of " + expected.size() + " prescriptions, e.g. "
                        + first(missing));
            }
            if (!extra.isEmpty()) {
                problems.add("read model has " + extra.size() + " rows the stream does not know, e.g. " + first(extra));
            }
            if (!differ.isEmpty()) {
                problems.add("read model differs from a clean replay in " + differ.size() + " of " + expected.size()
                        + " rows (columns patient, drug, status, quantity, dispensed, refills_left, version), e.g. "
                        + first(differ));
            }
        }

        private void checkAppliedOnce(List<RecordedEvent> prescriptionEvents, Map<Long, Integer> applied) {
            Map<String, Integer> missingByType = new TreeMap<>();
            List<String> twice = new ArrayList<>();
            for (RecordedEvent e : prescriptionEvents) {
                int times = applied.getOrDefault(e.sequence(), 0);
                if (times == 0) {
                    missingByType.merge(e.type(), 1, Integer::sum);
                } else if (times > 1) {
                    twice.add(e.sequence() + " (" + e.type() + ") " + times + " times");
                }
            }
            if (!missingByType.isEmpty()) {
                int total = missingByType.values().stream()
                        .mapToInt(Integer::intValue)
                        .sum();
                problems.add("read model never applied " + total + " of " + prescriptionEvents.size()
                        + " prescription events: " + missingByType);
            }
            if (!twice.isEmpty()) {
                problems.add("read model applied " + twice.size() + " events more than once, e.g. " + first(twice));
            }
        }

        private void checkStockAndReactions(List<RecordedEvent> all, List<RecordedEvent> prescriptionEvents) {
            InventoryDecider stock = new InventoryDecider();
            PharmacyProcess process = new PharmacyProcess();
            Map<String, Inventory> actual = new TreeMap<>();
            Map<String, Long> expectedOnHand = new TreeMap<>();
            Map<String, Integer> deductedByCommand = new HashMap<>();
            Map<String, List<String>> commandsByTrigger = new HashMap<>();
            Map<String, Integer> reactions = new HashMap<>();
            // per drug: the units on hand after each of its events, by stream sequence
            Map<String, TreeMap<Long, Integer>> onHandAfter = new HashMap<>();
            // per triggering event id: the stream sequence of the first event its reaction stored
            Map<String, Long> reactionSequences = new HashMap<>();
            TreeMap<Long, Trigger> triggers = new TreeMap<>();
            List<String> negative = new ArrayList<>();
            List<String> deductedTwice = new ArrayList<>();
            for (RecordedEvent e : all) {
                if (!e.entity().category().value().equals(InventoryDecider.TYPE.category())) {
                    continue;
                }
                InventoryEvent event = INVENTORY.decode(e.event());
                actual.merge(
                        event.drug(), stock.evolve(Inventory.EMPTY, event), (old, ignored) -> stock.evolve(old, event));
                if (actual.get(event.drug()).onHand() < 0) {
                    negative.add(event.drug() + " at " + e.sequence());
                }
                if (event instanceof InventoryEvent.StockReceived r) {
                    expectedOnHand.merge(r.drug(), (long) r.quantity(), Long::sum);
                }
                if (event instanceof InventoryEvent.StockDeducted d) {
                    expectedOnHand.merge(d.drug(), (long) -d.quantity(), Long::sum);
                    if (deductedByCommand.put(e.commandId(), d.quantity()) != null) {
                        deductedTwice.add(e.commandId());
                    }
                }
                e.causationId()
                        .ifPresent(trigger -> commandsByTrigger
                                .computeIfAbsent(trigger, t -> new ArrayList<>())
                                .add(e.commandId()));
                onHandAfter
                        .computeIfAbsent(event.drug(), d -> new TreeMap<>())
                        .put(e.sequence(), actual.get(event.drug()).onHand());
                e.causationId().ifPresent(trigger -> reactionSequences.putIfAbsent(trigger, e.sequence()));
                int owes =
                        process.react(PharmacyProcess.ReorderState.IDLE, event).size();
                reactions.put(e.eventId(), owes);
                if (owes > 0) {
                    triggerSequences.add(e.sequence());
                    triggers.put(e.sequence(), new Trigger(e.eventId(), event.drug()));
                }
            }
            if (!negative.isEmpty()) {
                problems.add("stock below zero: " + first(negative));
            }
            if (!deductedTwice.isEmpty()) {
                problems.add("a dispense deducted stock twice: " + first(deductedTwice));
            }
            for (String drug : DRUGS) {
                long want = expectedOnHand.getOrDefault(drug, 0L);
                Inventory have = actual.getOrDefault(drug, Inventory.EMPTY);
                if (want != have.onHand()) {
                    problems.add("stock of " + drug + ": on hand " + have.onHand() + " where receipts minus deductions"
                            + " are " + want);
                }
            }
            // a dispense and its deduction are one atomic append: the same command id on both entities, same units
            Map<String, Integer> dispensedByCommand = new HashMap<>();
            for (RecordedEvent e : prescriptionEvents) {
                if (PRESCRIPTIONS.decode(e.event()) instanceof PrescriptionEvent.DrugDispensed d) {
                    dispensedByCommand.put(e.commandId(), d.quantity());
                }
            }
            if (!dispensedByCommand.equals(deductedByCommand)) {
                Set<String> onlyDispensed = new TreeSet<>(dispensedByCommand.keySet());
                onlyDispensed.removeAll(deductedByCommand.keySet());
                Set<String> onlyDeducted = new TreeSet<>(deductedByCommand.keySet());
                onlyDeducted.removeAll(dispensedByCommand.keySet());
                problems.add("dispenses and stock deductions disagree: " + dispensedByCommand.size() + " dispenses, "
                        + deductedByCommand.size() + " deductions; dispensed without deduction "
                        + first(new ArrayList<>(onlyDispensed)) + ", deducted without dispense "
                        + first(new ArrayList<>(onlyDeducted)));
            }
            // the process manager (reorders) never stores a reaction twice, nor reacts to what asks for nothing
            List<String> repeated = new ArrayList<>();
            for (Map.Entry<String, List<String>> stored : commandsByTrigger.entrySet()) {
                List<String> ids = stored.getValue();
                int want = reactions.getOrDefault(stored.getKey(), 0);
                if (ids.size() > want || ids.stream().distinct().count() < ids.size()) {
                    repeated.add(stored.getKey() + " caused " + ids);
                }
            }
            if (!repeated.isEmpty()) {
                problems.add("process manager reactions stored more than once: " + repeated.size() + ", e.g. "
                        + first(repeated));
            }
            // ...and stores every reaction it owes: each triggering deduction caused exactly its reactions – unless the
            // stock decided the reorder when it no longer needed one. The process reacts to its events in stream
            // order, so the reorder for a trigger was decided after the trigger and before the reaction to any later
            // trigger was stored; a reorder decides nothing when the drug is back at or above the threshold then
            // (stock received meanwhile). Only a drug at or above the threshold somewhere in that window excuses it.
            List<String> owed = new ArrayList<>();
            int excused = 0;
            for (Map.Entry<Long, Trigger> t : triggers.entrySet()) {
                Trigger trigger = t.getValue();
                int want = reactions.get(trigger.eventId());
                int stored = commandsByTrigger
                        .getOrDefault(trigger.eventId(), List.of())
                        .size();
                if (stored >= want) {
                    continue;
                }
                long windowEnd = triggers.tailMap(t.getKey(), false).values().stream()
                        .map(later -> reactionSequences.get(later.eventId()))
                        .filter(Objects::nonNull)
                        .min(Long::compare)
                        .orElse(Long.MAX_VALUE);
                boolean backAboveThreshold =
                        onHandAfter.get(trigger.drug()).subMap(t.getKey(), false, windowEnd, false).values().stream()
                                .anyMatch(units -> units >= PharmacyProcess.DEFAULT_THRESHOLD);
                if (backAboveThreshold) {
                    excused++;
                } else {
                    owed.add(trigger.eventId() + " (sequence " + t.getKey() + ", " + trigger.drug() + ") caused "
                            + stored + " of " + want);
                }
            }
            if (!owed.isEmpty()) {
                problems.add("process manager reactions never stored: " + owed.size() + ", e.g. " + first(owed));
            }
            reorderedTooLate = excused;
            reactionsOwed =
                    reactions.values().stream().mapToInt(Integer::intValue).sum();
        }

        private static List<String> union(Map<String, Integer> a, Map<String, Integer> b) {
            TreeMap<String, Integer> all = new TreeMap<>(a);
            all.putAll(b);
            return new ArrayList<>(all.keySet());
        }

        private static String first(List<String> items) {
            return items.stream().limit(3).collect(Collectors.joining("; ", "[", items.size() > 3 ? "; ...]" : "]"));
        }
    }

    /** One app instance: a child JVM running {@code PharmacyApp}'s main, as {@code scripts/pharmacy} starts it. */
    private final class Instance {
        private final int index;
        private final Scenario scenario;
        private final Path dataDir;
        private final Path log;
        private Process process;
        private volatile URI url;
        private volatile int launches;
        private volatile Thread supervisor;
        private volatile Throwable failure;

        Instance(int index, Scenario scenario) throws IOException {
            this.index = index;
            this.scenario = scenario;
            this.dataDir = Files.createDirectories(temp.resolve(scenario.name + "-instance-" + index));
            this.log = dataDir.resolve("app.log");
        }

        void launch() throws IOException {
            launches++;
            String javaBin =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(
                    javaBin,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    PharmacyApp.class.getName());
            Map<String, String> env = pb.environment();
            env.put("NATS_URL", scenario.natsUrl);
            env.put("NATS_REPLICAS", String.valueOf(scenario.replicas));
            env.put("JDBC_URL", scenario.jdbcUrl + "?ApplicationName=pharmacy-" + index);
            env.put("JDBC_USER", PostgresServer.USER);
            env.put("PORT", "0");
            env.put("DATA_DIR", dataDir.toString());
            env.put("COMMAND_ROUTING", scenario.routed ? "owner" : "off");
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Files.writeString(
                    log, "=== launch " + launches + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = pb.start();
        }

        /**
         * Waits until the instance serves HTTP (90 s at most). An instance that exits while starting is started again
         * after a second, as a supervisor such as Kubernetes would; each such exit is noted with its reason.
         */
        void awaitListening() throws Exception {
            Pattern running = Pattern.compile("Verdict pharmacy is running on (http://\\S+)");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int crashes = 0;
            while (true) {
                String text = Files.readString(log);
                String current = text.substring(text.lastIndexOf("=== launch " + launches));
                Matcher m = running.matcher(current);
                if (m.find()) {
                    url = URI.create(m.group(1));
                    return;
                }
                if (!process.isAlive() && System.nanoTime() < deadline) {
                    crashes++;
                    String reason = current.lines()
                            .filter(l -> l.startsWith("Exception") || l.startsWith("Caused by"))
                            .findFirst()
                            .orElse("exit " + process.exitValue());
                    scenario.note("instance " + index + " exited while starting (" + crashes + "), starting it again: "
                            + reason);
                    Thread.sleep(1000);
                    if (scenario.closed) {
                        return;
                    }
                    launch();
                    continue;
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("instance " + index + " did not start (exit "
                            + (process.isAlive() ? "none" : process.exitValue()) + "): "
                            + current.substring(Math.max(0, current.length() - 3000)));
                }
                Thread.sleep(100);
            }
        }

        /** The lines of its current launch's log about the partitions it owns (NatsPartitionOwnership's). */
        List<String> ownershipLines() throws IOException {
            String text = Files.readString(log);
            return text.substring(text.lastIndexOf("=== launch " + launches))
                    .lines()
                    .filter(l -> l.contains("owns partition"))
                    .collect(Collectors.toList());
        }

        /** The partitions it owns now, by its log. */
        Set<Integer> ownedPartitions() throws IOException {
            Set<Integer> owned = new TreeSet<>();
            for (String line : ownershipLines()) {
                Matcher gone = NO_LONGER_OWNS.matcher(line);
                Matcher owns = OWNS.matcher(line);
                if (gone.find()) {
                    owned.remove(Integer.parseInt(gone.group(1)));
                } else if (owns.find()) {
                    owned.add(Integer.parseInt(owns.group(1)));
                }
            }
            return owned;
        }

        /** SIGKILL: no shutdown hook, no {@code stop()}, the connection just drops. */
        void kill() {
            url = null;
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Clients sending prescription lifecycles (order, verify, dispense in parts, refill, sometimes cancel) and stock
     * receipts to random instances. Every request carries an idempotency key, so a request whose instance died is
     * sent again to another one.
     */
    private final class Load {
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        private final ObjectMapper json = new ObjectMapper();
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger retried = new AtomicInteger();
        private final AtomicInteger lifecycles = new AtomicInteger();
        /**
         * Commands the domain refused. Not this test's verdict (each prescription's commands are sent in a valid order,
         * so a refusal means an instance decided on a stale state – a read concern, not a projection one), but noted.
         */
        private final List<String> rejected = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Clients that gave up: no instance answered a command for 60 s. */
        private final List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());

        private final List<Thread> threads = new ArrayList<>();
        private Scenario scenario;

        void start() {
            running.set(true);
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                Thread thread = new Thread(() -> run(client), "load-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(90).toMillis());
            }
            threads.clear();
        }

        private void run(int client) {
            Random random = new Random(client * 7919L);
            int n = 0;
            try {
                while (running.get()) {
                    lifecycle(client, n++, random);
                }
            } catch (RuntimeException e) {
                unanswered.add("client " + client + " stopped: " + e);
            }
        }

        private void lifecycle(int client, int n, Random random) {
            String rx = "rx-" + client + "-" + n;
            String patient = "patient-" + random.nextInt(12);
            String drug = DRUGS[random.nextInt(DRUGS.length)];
            int quantity = 3 + random.nextInt(10);
            int refills = random.nextInt(3);
            lifecycles.incrementAndGet();
            if (client == 0 && n % 5 == 4) {
                send(
                        "/inventory/" + drug + "/receive",
                        "{\"quantity\":" + (1 + random.nextInt(50)) + "}",
                        rx + "-stock");
            }
            JsonNode state = send(
                    "/prescriptions", HttpClientForTests.order(rx, patient, drug, quantity, refills), rx + "-order");
            if (state == null) {
                return;
            }
            boolean cancelEarly = random.nextInt(10) == 0;
            if (cancelEarly) {
                send("/prescriptions/" + rx + "/cancel", "{\"reason\":\"changed mind\"}", rx + "-cancel");
                return;
            }
            state = send("/prescriptions/" + rx + "/verify", "{\"pharmacistId\":\"ana\"}", rx + "-verify");
            int step = 0;
            for (int fill = 1; fill <= refills + 1 && state != null; fill++) {
                if (fill > 1) {
                    state = send("/prescriptions/" + rx + "/refill", "{}", rx + "-refill-" + fill);
                }
                while (state != null && state.path("remaining").asInt() > 0) {
                    if (random.nextInt(12) == 0) {
                        send("/prescriptions/" + rx + "/cancel", "{\"reason\":\"side effects\"}", rx + "-cancel");
                        return;
                    }
                    int part = 1 + random.nextInt(state.path("remaining").asInt());
                    state = send(
                            "/prescriptions/" + rx + "/dispense",
                            "{\"quantity\":" + part + "}",
                            rx + "-dispense-" + (step++));
                }
            }
        }

        /** Sends until an instance answers; null (and recorded) when the command was refused. */
        JsonNode send(String path, String body, String key) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String last = "";
            while (System.nanoTime() < deadline) {
                List<URI> urls = scenario == null ? List.of() : scenario.liveUrls();
                if (urls.isEmpty()) {
                    sleep(100);
                    continue;
                }
                URI base = urls.get(ThreadLocalRandom.current().nextInt(urls.size()));
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(base.resolve(path))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("Idempotency-Key", key)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    JsonNode answer = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
                    int status = response.statusCode();
                    if (status / 100 == 2) {
                        accepted.incrementAndGet();
                        return answer;
                    }
                    if (status >= 500
                            || (status == 409 && answer.path("error").asText().equals("conflict"))) {
                        last = status + " " + response.body();
                    } else {
                        rejected.add("POST " + path + " (" + key + "): " + status + " " + response.body());
                        return null;
                    }
                } catch (IOException e) {
                    last = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                retried.incrementAndGet();
                sleep(100);
            }
            throw new IllegalStateException("POST " + path + " (" + key + ") unanswered for 60 s; last: " + last);
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // helpers

    /** Creates the read model's table before any instance does, with a trigger that records every applied change. */
    private static void prepareAuditedReadModel(String jdbcUrl) throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "");
                Statement s = c.createStatement()) {
            PatientPrescriptionsTable.UNSHARDED.create(c);
            s.execute("CREATE TABLE applied_events (id BIGSERIAL PRIMARY KEY, prescription_id VARCHAR(128) NOT NULL,"
                    + " version BIGINT NOT NULL)");
            s.execute("CREATE FUNCTION audit_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO applied_events (prescription_id, version) VALUES (NEW.prescription_id, NEW.version);"
                    + " RETURN NEW; END $$");
            s.execute("CREATE TRIGGER audit_applied AFTER INSERT OR UPDATE ON " + PatientPrescriptionsTable.TABLE
                    + " FOR EACH ROW EXECUTE FUNCTION audit_applied()");
        }
    }

    /** Every row of the read model by prescription id: patient, drug, status, quantity, dispensed, refills, version. */
    private static Map<String, List<Object>> rows(java.sql.Connection c) throws SQLException {
        Map<String, List<Object>> rows = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement(
                        "SELECT prescription_id, patient_id, drug, status, quantity, dispensed, refills_left, version"
                                + " FROM " + PatientPrescriptionsTable.TABLE);
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.put(
                        r.getString(1),
                        List.of(
                                r.getString(2),
                                r.getString(3),
                                r.getString(4),
                                r.getInt(5),
                                r.getInt(6),
                                r.getInt(7),
                                r.getLong(8)));
            }
        }
        return rows;
    }

    /** Appends the stream's events after the last one in {@code events}, up to the stream's current end. */
    private static void readStream(Connection nc, List<RecordedEvent> events) throws Exception {
        long after = events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
        long last = nc.jetStreamManagement()
                .getStreamInfo(STORE.value())
                .getStreamState()
                .getLastSequence();
        if (last <= after) {
            return;
        }
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .filterSubject(STORE.value() + ".>")
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(after + 1);
        try (IterableConsumer consumer =
                nc.getStreamContext(STORE.value()).createOrderedConsumer(config).iterate()) {
            long at = after;
            while (at < last) {
                Message m = consumer.nextMessage(Duration.ofSeconds(10));
                if (m == null) {
                    throw new AssertionError("the stream did not deliver sequence " + (at + 1) + " of " + last);
                }
                at = m.metaData().streamSequence();
                events.add(NatsRecordedEvents.fromMessage(STORE, m));
            }
        }
    }
}
