package dev.verdict.benchmarks.scale;

import dev.verdict.store.EntityRef;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Part 1 of the scale benchmark: one nats-server (R1, file storage) holding {@code entities} entities of one event each,
 * on one stream or on N shards. Measures, in this order: guarded appends at 10,000 entities; the fill rate; the
 * server's RSS at rest; guarded appends at full size on hot, random and cold (written in the first tenth) entities; cold
 * loads of entities with a snapshot; RSS after those reads; the store's size on disk; and the restart after SIGKILL
 * (until the client port accepts, every stream answers its info, and a Verdict append succeeds on every shard).
 * Every figure goes into an ordered map of row name to value, one column of the report.
 */
final class SingleServerScale {
    static final int SMALL = 10_000;
    /** Block caches expire after 10 s in nats-server: waiting longer makes entities written before cold. */
    static final Duration COOL_DOWN = Duration.ofSeconds(15);

    private SingleServerScale() {}

    static Map<String, String> run(Path root, int shards, int entities, int pairs, Consumer<String> progress)
            throws Exception {
        ScaleLayout layout = new ScaleLayout("scale", shards);
        // every figure is printed as soon as it is measured: a later failure must not lose it
        Map<String, String> rows = new LinkedHashMap<>() {
            @Override
            public String put(String key, String value) {
                progress.accept("  " + shards + " shard(s) | " + key + " | " + value);
                return super.put(key, value);
            }
        };
        int small = Math.min(SMALL, entities / 2);
        int early = entities / 10;
        try (ServerProcess server = ServerProcess.prepare(root, "single-" + shards)) {
            server.start();
            rows.put("load average at start", loadAverage());
            rows.put("server RSS, empty", mib(server.rssBytes()));
            try (Connection verdictConnection = connect(server.url(), "verdict");
                    Connection rawConnection = connect(server.url(), "raw");
                    VerdictShards verdict = new VerdictShards(layout, verdictConnection, 1, Duration.ofSeconds(10))) {
                ScaleFill fill = new ScaleFill(layout, rawConnection.jetStream(), entities);
                GuardedAppends measure = new GuardedAppends(
                        layout, verdict, rawConnection.jetStream(), rawConnection.jetStreamManagement(), fill.versions);
                progress.accept(shards + " shard(s): fill " + small);
                fill.fill(0, small, progress);
                Samples[] atSmall = measure.appends(pairs, measure.fresh(0, small));
                put(rows, String.format(Locale.ROOT, "guarded append at %,d entities", small), atSmall);
                progress.accept(shards + " shard(s): fill to " + entities);
                double rate = fill.fill(small, entities, progress);
                rows.put("fill rate (raw publishAsync, msgs/s)", String.format(Locale.ROOT, "%,.0f", rate));
                sleep(COOL_DOWN);
                rows.put("server RSS at rest, full", mib(server.rssBytes()));
                int[] withSnapshot = new int[pairs];
                var snapshotPick = measure.fresh(0, early);
                for (int k = 0; k < pairs; k++) {
                    withSnapshot[k] = snapshotPick.getAsInt();
                }
                measure.snapshot(withSnapshot);
                sleep(COOL_DOWN);
                progress.accept(shards + " shard(s): measure at " + entities);
                String at = String.format(Locale.ROOT, " at %,d", entities);
                put(
                        rows,
                        "guarded append" + at + ", hot (200 entities written last, cycled)",
                        measure.appends(pairs, measure.cycling(entities - 200, entities)));
                put(
                        rows,
                        "guarded append" + at + ", random entity",
                        measure.appends(pairs, measure.fresh(early, entities)));
                put(
                        rows,
                        "guarded append" + at + ", cold (written in the first tenth)",
                        measure.appends(pairs, measure.fresh(0, early)));
                put(
                        rows,
                        "cold load with snapshot (Verdict) vs last-by-subject get (raw)" + at,
                        measure.loads(withSnapshot, measure.fresh(0, early)));
                rows.put("server RSS after those reads", mib(server.rssBytes()));
                rows.put("store on disk", mib(server.diskBytes()));
                rows.put("load average after measuring", loadAverage());
            }
            progress.accept(shards + " shard(s): SIGKILL and restart");
            try {
                restart(server, layout, rows);
            } catch (Exception e) {
                rows.put("restart failed", e.toString());
            }
        }
        return rows;
    }

    /** SIGKILL, start again, and time until the port accepts, every stream answers, an append succeeds on each. */
    private static void restart(ServerProcess server, ScaleLayout layout, Map<String, String> rows) throws Exception {
        server.kill();
        long start = System.nanoTime();
        server.start();
        rows.put("restart after SIGKILL: client port accepts (s)", seconds(start));
        try (Connection nc = connect(server.url(), "restart")) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (int k = 0; k < layout.shards; k++) {
                String stream = layout.stream(k);
                retry(() -> jsm.getStreamInfo(stream));
            }
            rows.put("restart: every stream answers its info (s)", seconds(start));
            try (VerdictShards verdict = new VerdictShards(layout, nc, 1, Duration.ofSeconds(5))) {
                for (int k = 0; k < layout.shards; k++) {
                    EntityRef fresh = layout.entityOnShard("restart", k);
                    retry(() -> verdict.append(fresh, 0));
                }
            }
            rows.put("restart: a Verdict append succeeded on every shard (s)", seconds(start));
        }
        rows.put("server RSS after restart", mib(server.rssBytes()));
    }

    @FunctionalInterface
    interface Attempt {
        Object run() throws Exception;
    }

    /** Runs the attempt until it succeeds, for up to 10 minutes. */
    static void retry(Attempt attempt) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            try {
                attempt.run();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static Connection connect(String url, String name) throws Exception {
        Options options = new Options.Builder()
                .server(url)
                .connectionName(name)
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1)
                .build();
        Exception last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return Nats.connect(options);
            } catch (Exception e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    private static void put(Map<String, String> rows, String name, Samples[] verdictAndRaw) {
        Samples v = verdictAndRaw[0];
        Samples r = verdictAndRaw[1];
        rows.put(name + ": Verdict p50 / p99 ms", v.p50p99() + failures(v));
        rows.put(name + ": raw p50 / p99 ms", r.p50p99() + failures(r));
        rows.put(
                name + ": Verdict / raw, p50 and p99",
                String.format(Locale.ROOT, "%.2f / %.2f", v.millis(50) / r.millis(50), v.millis(99) / r.millis(99)));
    }

    private static String failures(Samples s) {
        return s.failures() == 0 ? "" : " (" + s.failures() + " failed: " + s.firstFailure() + ")";
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }

    static String seconds(long since) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - since) / 1e9);
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg"))
                    .trim()
                    .split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
