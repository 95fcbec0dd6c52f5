package dev.verdict.benchmarks.scale;

import dev.verdict.store.EntityRef;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Part 2 of the scale benchmark: three local nats-servers in a cluster, {@code entities} entities over N shards with
 * three replicas. Reads where each shard's leader is, then SIGKILLs one node (one the client is not connected to, so the
 * client never reconnects) while one thread per shard appends through Verdict (a new entity each time, expected
 * version 0, request timeout 1 s): which shards stall, the longest gap between two successful appends of each shard,
 * and when each shard whose leader died reports a new leader.
 */
final class ClusterFailover {
    static final Duration APPEND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration BEFORE_KILL = Duration.ofSeconds(5);
    static final Duration AFTER_KILL = Duration.ofSeconds(30);

    private ClusterFailover() {}

    /** One append attempt: when it ended (ns since the kill, negative before) and whether it succeeded. */
    record Attempt(long endedNanos, boolean ok) {}

    static Map<String, String> run(Path root, int shards, int entities, Consumer<String> progress) throws Exception {
        ScaleLayout layout = new ScaleLayout("scale", shards);
        Map<String, String> rows = new LinkedHashMap<>();
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            for (int n = 1; n <= 3; n++) {
                nodes.add(ServerProcess.prepare(root, "n" + n));
            }
            for (ServerProcess node : nodes) {
                node.clusterWith(nodes);
            }
            for (ServerProcess node : nodes) {
                node.start();
            }
            rows.put("load average at start", SingleServerScale.loadAverage());
            ServerProcess clientNode = nodes.get(0);
            try (Connection nc = SingleServerScale.connect(clientNode.url(), "verdict");
                    Connection raw = SingleServerScale.connect(clientNode.url(), "raw")) {
                VerdictShards[] verdict = new VerdictShards[1];
                SingleServerScale.retry(() -> verdict[0] = new VerdictShards(layout, nc, 3, APPEND_TIMEOUT));
                progress.accept("cluster: fill " + entities + " over " + shards + " R3 shards");
                ScaleFill fill = new ScaleFill(layout, raw.jetStream(), entities);
                double rate = fill.fill(0, entities, progress);
                rows.put("fill rate (raw publishAsync, R3, msgs/s)", String.format(Locale.ROOT, "%,.0f", rate));
                SingleServerScale.sleep(SingleServerScale.COOL_DOWN);
                for (ServerProcess node : nodes) {
                    rows.put("RSS of " + node.name() + " at rest", SingleServerScale.mib(node.rssBytes()));
                }
                JetStreamManagement jsm = raw.jetStreamManagement();
                Map<Integer, String> leaders = leaders(jsm, layout);
                Map<String, Integer> perNode = new TreeMap<>();
                leaders.values().forEach(l -> perNode.merge(l, 1, Integer::sum));
                rows.put("shard leaders per node", perNode.toString());
                ServerProcess victim = nodes.stream()
                        .filter(n -> n != clientNode)
                        .max((a, b) ->
                                Integer.compare(perNode.getOrDefault(a.name(), 0), perNode.getOrDefault(b.name(), 0)))
                        .orElseThrow();
                progress.accept("cluster: SIGKILL " + victim.name());
                failover(layout, verdict[0], jsm, leaders, victim, rows);
                verdict[0].close();
            }
        } finally {
            for (ServerProcess node : nodes) {
                node.close();
            }
        }
        return rows;
    }

    private static void failover(
            ScaleLayout layout,
            VerdictShards verdict,
            JetStreamManagement jsm,
            Map<Integer, String> leadersBefore,
            ServerProcess victim,
            Map<String, String> rows)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] killedAt = {Long.MAX_VALUE};
        List<ConcurrentLinkedQueue<Attempt>> attempts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < layout.shards; k++) {
            int shard = k;
            ConcurrentLinkedQueue<Attempt> log = new ConcurrentLinkedQueue<>();
            attempts.add(log);
            Thread t = new Thread(() -> {
                for (int j = 0; !stop.get(); j++) {
                    EntityRef fresh = layout.entityOnShard("probe-" + j, shard);
                    boolean ok;
                    try {
                        verdict.append(fresh, 0);
                        ok = true;
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                    long now = System.nanoTime();
                    log.add(new Attempt(killedAt[0] == Long.MAX_VALUE ? -1 : now - killedAt[0], ok));
                    try {
                        Thread.sleep(ok ? 20 : 5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        SingleServerScale.sleep(BEFORE_KILL);
        killedAt[0] = System.nanoTime();
        victim.kill();
        Map<Integer, Double> newLeaderAfter = new TreeMap<>();
        Map<Integer, String> newLeader = new TreeMap<>();
        long deadline = killedAt[0] + AFTER_KILL.toNanos();
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Integer, String> e : leadersBefore.entrySet()) {
                if (!e.getValue().equals(victim.name()) || newLeader.containsKey(e.getKey())) {
                    continue;
                }
                String leader = leader(jsm, layout.stream(e.getKey()));
                if (leader != null && !leader.equals(victim.name())) {
                    newLeader.put(e.getKey(), leader);
                    newLeaderAfter.put(e.getKey(), (System.nanoTime() - killedAt[0]) / 1e9);
                }
            }
            Thread.sleep(100);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(5000);
        }
        StringBuilder stalled = new StringBuilder();
        StringBuilder unaffected = new StringBuilder();
        for (int k = 0; k < layout.shards; k++) {
            String line = stallOf(attempts.get(k));
            String led = leadersBefore.get(k);
            String text = String.format(
                    Locale.ROOT,
                    "shard %d (leader %s%s): %s",
                    k,
                    led,
                    newLeader.containsKey(k)
                            ? String.format(
                                    Locale.ROOT, " → %s, seen after %.1f s", newLeader.get(k), newLeaderAfter.get(k))
                            : "",
                    line);
            (victim.name().equals(led) ? stalled : unaffected).append(text).append("<br>");
        }
        rows.put("killed node", victim.name() + " (the client is connected to n1)");
        rows.put("shards led by the killed node", stalled.toString());
        rows.put("other shards", unaffected.toString());
    }

    /**
     * Failed appends after the kill and the longest time without a successful append, counted from the kill (the last
     * success before it counts as at the kill).
     */
    static String stallOf(ConcurrentLinkedQueue<Attempt> log) {
        int failed = 0;
        long lastOk = 0;
        long longestGap = 0;
        for (Attempt a : log) {
            if (a.endedNanos() < 0) {
                continue;
            }
            if (!a.ok()) {
                failed++;
                continue;
            }
            longestGap = Math.max(longestGap, a.endedNanos() - lastOk);
            lastOk = a.endedNanos();
        }
        return String.format(
                Locale.ROOT,
                "%d appends failed, longest time without a successful append %.2f s",
                failed,
                longestGap / 1e9);
    }

    private static Map<Integer, String> leaders(JetStreamManagement jsm, ScaleLayout layout) {
        Map<Integer, String> leaders = new TreeMap<>();
        for (int k = 0; k < layout.shards; k++) {
            leaders.put(k, leader(jsm, layout.stream(k)));
        }
        return leaders;
    }

    private static String leader(JetStreamManagement jsm, String stream) {
        try {
            StreamInfo info = jsm.getStreamInfo(stream);
            return info.getClusterInfo() == null ? null : info.getClusterInfo().getLeader();
        } catch (Exception e) {
            return null;
        }
    }
}
