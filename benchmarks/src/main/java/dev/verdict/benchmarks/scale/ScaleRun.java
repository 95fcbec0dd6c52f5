package dev.verdict.benchmarks.scale;

import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scale benchmark (issue 28): how one bounded context behaves at millions of entities on one stream and on N
 * shards, on one server and on a local three-node cluster. Started by {@code scripts/benchmark-scale}; never by CI or
 * {@code scripts/test} (a 10,000,000-entity run takes tens of minutes and gigabytes of disk). It starts its own
 * nats-servers under one temporary directory and removes them and it when done, failed or interrupted.
 *
 * <pre>
 * --entities N          entities on the single server (default 10,000,000)
 * --pairs P             measured pairs per case (default 500)
 * --shards S            shards of the sharded layout (default 16)
 * --layouts both|one|sharded  on the single server: one stream, S shards, or both one after the other (default)
 * --cluster-entities M  entities on the cluster (default 2,000,000; 0 = skip the cluster)
 * --only single|cluster one part only
 * --commit C            the commit measured, for the report
 * --out FILE            also write the Markdown report there
 * </pre>
 */
public final class ScaleRun {
    private ScaleRun() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        int entities = Integer.parseInt(a.getOrDefault("entities", "10000000"));
        int pairs = Integer.parseInt(a.getOrDefault("pairs", "500"));
        int shards = Integer.parseInt(a.getOrDefault("shards", "16"));
        int clusterEntities = Integer.parseInt(a.getOrDefault("cluster-entities", "2000000"));
        String only = a.getOrDefault("only", "");
        Path root = Files.createTempDirectory("verdict-scale-");
        // interrupted (Ctrl-C, SIGTERM): no server and no store may outlive the run
        Thread cleanup = new Thread(() -> {
            ServerProcess.killAll();
            ServerProcess.deleteTree(root);
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        StringBuilder md = new StringBuilder();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        md.append(String.format(
                Locale.ROOT,
                "Run of %s, commit `%s`, nats-server %s (R1/R3, file storage), jnats %s, %d cores, %s, load average"
                        + " at start %s.%n%n",
                started,
                a.getOrDefault("commit", "unknown"),
                serverVersion(),
                Nats.CLIENT_VERSION,
                Runtime.getRuntime().availableProcessors(),
                memory(),
                SingleServerScale.loadAverage()));
        try {
            if (!only.equals("cluster")) {
                Map<String, Map<String, String>> columns = new LinkedHashMap<>();
                String layouts = a.getOrDefault("layouts", "both");
                List<Integer> shardCounts = switch (layouts) {
                    case "one" -> List.of(1);
                    case "sharded" -> List.of(shards);
                    case "both" -> shards == 1 ? List.of(1) : List.of(1, shards);
                    default -> throw new IllegalArgumentException("--layouts both|one|sharded, got " + layouts);
                };
                for (int s : shardCounts) {
                    String title = s == 1 ? "one stream" : s + " shards";
                    columns.put(title, SingleServerScale.run(root, s, entities, pairs, ScaleRun::progress));
                    progress(table(String.format(Locale.ROOT, "One server, %,d entities", entities), columns));
                }
                md.append(table(
                                String.format(
                                        Locale.ROOT, "One server, %,d entities, %d pairs per case", entities, pairs),
                                columns))
                        .append('\n');
            }
            if (!only.equals("single") && clusterEntities > 0) {
                Map<String, Map<String, String>> columns = new LinkedHashMap<>();
                columns.put(
                        shards + " shards, R3", ClusterFailover.run(root, shards, clusterEntities, ScaleRun::progress));
                md.append(table(
                        String.format(Locale.ROOT, "Three-node cluster, %,d entities", clusterEntities), columns));
            }
        } finally {
            ServerProcess.deleteTree(root);
        }
        System.out.println(md);
        if (a.containsKey("out")) {
            Files.writeString(Path.of(a.get("out")), md.toString());
        }
    }

    static String table(String title, Map<String, Map<String, String>> columns) {
        List<String> names = new ArrayList<>(columns.keySet());
        Set<String> rows = new LinkedHashSet<>();
        columns.values().forEach(c -> rows.addAll(c.keySet()));
        StringBuilder md = new StringBuilder("#### ").append(title).append("\n\n| measure |");
        names.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append("\n|---|");
        names.forEach(n -> md.append("---|"));
        md.append('\n');
        for (String row : rows) {
            md.append("| ").append(row).append(" |");
            for (String n : names) {
                md.append(' ').append(columns.get(n).getOrDefault(row, "")).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + List.of(args));
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }

    private static String serverVersion() {
        try {
            Process p = new ProcessBuilder(ServerProcess.binary().toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            return new String(p.getInputStream().readAllBytes()).trim().replaceAll(".*v", "");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> String.format(
                            Locale.ROOT, "%.0f GiB RAM", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                    .findFirst()
                    .orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static void progress(String line) {
        System.err.println("[" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
    }
}
