package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Three pharmacy instances on one store and one read model, the load, and the verdict: the fixture of {@link
 * SeveralInstancesTest}. */
/** Three app instances, the load, and the verdict. */
final class InstancesScenario implements AutoCloseable {
    static final StoreName STORE = StoreName.of("pharmacy");
    /**
     * Events are told apart across shard streams by their <em>position</em>, {@code shard × OFFSET + sequence}: the
     * sequence itself on one stream (shard 0), so the verdict reads as before; a sharded store's shard sequences
     * ({@link TestMode}) never collide.
     */
    static final long OFFSET = 1_000_000_000_000L;

    static final Pattern OWNS = Pattern.compile("(?<!no longer )owns partition (\\d+) of");
    static final Pattern NO_LONGER_OWNS = Pattern.compile("no longer owns partition (\\d+) of");
    static final String[] DRUGS = {"aspirin", "amoxicillin", "ibuprofen"};
    /**
     * Little stock, so dispenses take a drug below the reorder threshold ({@link PharmacyProcess#DEFAULT_THRESHOLD})
     * again and again (client 0 receives some now and then) and the process manager reacts throughout the load, also
     * while an instance is killed. Dispenses refused for want of units are noted, not errors.
     */
    static final int INITIAL_STOCK = 150;

    static final int CLIENTS = 6;
    static final Duration CONVERGENCE = Duration.ofSeconds(60);
    static final JsonEventCodec<PrescriptionEvent> PRESCRIPTIONS = JsonEventCodec.of(PrescriptionEvent.class);
    static final JsonEventCodec<InventoryEvent> INVENTORY = JsonEventCodec.of(InventoryEvent.class);

    final String name;
    final String natsUrl;
    final int replicas;
    final boolean routed;
    final String jdbcUrl;
    final PostgresServer postgres;
    final Connection nats;
    final List<PharmacyInstance> instances = new ArrayList<>();
    final PharmacyLoad load = new PharmacyLoad();
    final long started = System.nanoTime();
    volatile boolean closed;
    /** The stream's last sequence when an instance was killed. */
    volatile long[] killedAt = new long[0];

    final Thread killOnExit = new Thread(this::killAll, "several-instances-kill");

    /** {@code routed}: the instances run with {@code COMMAND_ROUTING=owner}. */
    InstancesScenario(String name, String natsUrl, int replicas, boolean routed, PostgresServer postgres, Path temp)
            throws Exception {
        this.name = name;
        this.natsUrl = natsUrl;
        this.replicas = replicas;
        this.routed = routed;
        this.postgres = postgres;
        this.jdbcUrl = postgres.createDatabase("several_" + name);
        this.nats = Nats.connect(Options.builder()
                .server(natsUrl)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
        StoredTruth.prepareAuditedReadModel(jdbcUrl);
        load.scenario = this;
        Runtime.getRuntime().addShutdownHook(killOnExit);
        for (int i = 0; i < 3; i++) {
            instances.add(new PharmacyInstance(i, this, temp));
        }
    }

    void note(String what) {
        System.out.printf("[several-instances %s +%.1fs] %s%n", name, (System.nanoTime() - started) / 1e9, what);
    }

    void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    void startInstances() throws Exception {
        for (PharmacyInstance instance : instances) {
            instance.launch();
        }
        for (PharmacyInstance instance : instances) {
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
        List<String> streams = TestMode.streams();
        long[] last = new long[streams.size()];
        for (int k = 0; k < last.length; k++) {
            last[k] = nats.jetStreamManagement()
                    .getStreamInfo(streams.get(k))
                    .getStreamState()
                    .getLastSequence();
        }
        killedAt = last;
        instances.get(index).kill();
        note("killed instance " + index + " (SIGKILL)");
    }

    /** Starts the instance again; like a supervisor, keeps starting it until it serves (see awaitAllServing). */
    void restart(int index) throws Exception {
        PharmacyInstance instance = instances.get(index);
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
        for (PharmacyInstance i : instances) {
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
        for (PharmacyInstance i : instances) {
            seen.put(i.index, i.ownershipLines().size());
        }
        while (taken.size() < owned.size()) {
            if (System.nanoTime() - killedAt > limit.toNanos()) {
                throw new AssertionError("partitions " + owned + " of the killed instance: only " + taken
                        + " taken over within " + limit);
            }
            for (PharmacyInstance i : instances) {
                if (i.index == killedIndex) {
                    continue;
                }
                List<String> lines = i.ownershipLines();
                for (String line : lines.subList(seen.get(i.index), lines.size())) {
                    Matcher m = OWNS.matcher(line);
                    if (m.find() && owned.contains(Integer.parseInt(m.group(1)))) {
                        taken.putIfAbsent(Integer.parseInt(m.group(1)), Duration.ofNanos(System.nanoTime() - killedAt));
                    }
                }
                seen.put(i.index, lines.size());
            }
            Thread.sleep(50);
        }
        return taken;
    }

    void awaitAllServing() throws Exception {
        for (PharmacyInstance instance : instances) {
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
        for (PharmacyInstance instance : instances) {
            URI url = instance.url;
            if (url != null) {
                urls.add(url);
            }
        }
        return urls;
    }

    void verify() throws Exception {
        List<RecordedEvent> events = new ArrayList<>();
        StoredTruth.readStream(nats, events);
        List<RecordedEvent> prescriptionEvents = events.stream()
                .filter(e -> e.entity().category().value().equals(PrescriptionDecider.TYPE.category()))
                .toList();
        Map<String, List<Object>> expectedRows = cleanReplay(prescriptionEvents);
        note(prescriptionEvents.size() + " prescription events, " + expectedRows.size() + " prescriptions");
        assertThat(load.unanswered)
                .as("clients that found no instance to answer")
                .isEmpty();
        assertThat(load.accepted.get()).as("commands accepted during the load").isGreaterThan(100);
        assertThat(expectedRows).as("prescriptions in the stream").isNotEmpty();

        long deadline = System.nanoTime() + CONVERGENCE.toNanos();
        StoreVerdict verdict;
        while (true) {
            StoredTruth.readStream(nats, events);
            verdict = new StoreVerdict(events, prescriptionEvents, expectedRows, readRows(), readAudit());
            if (verdict.problems().isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        note(
                verdict.problems().isEmpty()
                        ? "read model, audit, stock and reactions all equal the truth\n" + consumerLog()
                        : "diverged for good:\n  " + String.join("\n  ", verdict.problems()) + "\n" + consumerLog());
        List<String> problems = verdict.problems();
        assertThat(problems)
                .as("divergences from the truth " + CONVERGENCE.toSeconds() + " s after the load ("
                        + load.accepted.get() + " commands, " + prescriptionEvents.size()
                        + " prescription events, instance killed mid-load"
                        + (replicas > 1 ? ", stream leader lost" : "") + ")")
                .isEmpty();
        long[] killed = killedAt;
        long firedAfterKill = verdict.triggerSequences.stream()
                .filter(q -> killed.length > 0 && q % OFFSET > killed[(int) (q / OFFSET)])
                .count();
        note(verdict.reactionsOwed + " reorders owed: each stored once, except " + verdict.reorderedTooLate
                + " that decided nothing because stock was received before the process reacted; " + firedAfterKill
                + " of them triggered after the kill (stream sequences " + java.util.Arrays.toString(killed) + ")");
        assertThat(firedAfterKill)
                .as("the process manager reacted while an instance was dead or after (so 'stored once' is tested)")
                .isPositive();
    }

    /** What the instances logged about their consumers (to explain a divergence). */
    String consumerLog() {
        StringBuilder b = new StringBuilder("  consumer activity in the instances' logs:");
        for (PharmacyInstance instance : instances) {
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

    Map<String, List<Object>> readRows() throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "")) {
            return StoredTruth.rows(c, StoredTruth.tables());
        }
    }

    Map<Long, Integer> readAudit() throws SQLException {
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
    Map<String, List<Object>> cleanReplay(List<RecordedEvent> prescriptionEvents) throws SQLException {
        String url = postgres.createDatabase("replay_" + name);
        try (java.sql.Connection c = DriverManager.getConnection(url, PostgresServer.USER, "")) {
            PatientPrescriptionsTable.UNSHARDED.create(c);
            c.setAutoCommit(false);
            for (RecordedEvent e : prescriptionEvents) { // each prescription's rows: its shard's sequences
                PatientPrescriptionsTable.UNSHARDED.apply(c, PRESCRIPTIONS.decode(e.event()), e.sequence() % OFFSET);
            }
            c.commit();
            return StoredTruth.rows(c, List.of(PatientPrescriptionsTable.UNSHARDED));
        }
    }

    void killAll() {
        closed = true;
        for (PharmacyInstance instance : instances) {
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
