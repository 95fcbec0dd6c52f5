package dev.verdict.benchmarks;

import dev.verdict.testing.nats.LocalNatsServer;
import io.nats.client.Nats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks: starts its own nats-server (file storage, R1, temporary store directory), runs every
 * scenario as interleaved A/B pairs of Verdict and raw jnats on that one server, prints a Markdown report, writes a
 * JSON file, and rewrites the results section of docs/benchmarks.md. Started by {@code scripts/benchmark}.
 *
 * <pre>
 * java -cp ... dev.verdict.benchmarks.BenchmarkRun [--quick] [--only 1,3] [--docs docs/benchmarks.md]
 *     [--json docs/benchmark-results.json] [--commit abc1234]
 * </pre>
 */
public final class BenchmarkRun {
    private BenchmarkRun() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.full();
        Set<String> only = new LinkedHashSet<>();
        Path docs = null;
        Path json = null;
        String commit = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = Settings.quick();
                case "--only" -> only.addAll(List.of(args[++i].split(",")));
                case "--docs" -> docs = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--commit" -> commit = args[++i];
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (expected --quick, --only 1,2, --docs FILE, --json FILE, --commit SHA)");
            }
        }
        List<Scenario> scenarios = new ArrayList<>(List.of(
                new CommandThroughput(),
                new AsyncCommandThroughput(),
                new ColdLoad(),
                new MultiEventDecision(),
                new MultiEntityDecision(),
                new ColdCommand(),
                new Contention(),
                new RoutedContention(),
                new ProjectionCatchUp(),
                new JdbcReadModel(),
                new DeciderOnly(),
                new MemoryFootprint(),
                new UpcastLoad(),
                new PersonalDataCommand()));
        if (!only.isEmpty()) {
            scenarios.removeIf(s -> !only.contains(s.id()));
        }
        long start = System.nanoTime();
        Report report;
        try (LocalNatsServer server = LocalNatsServer.launch();
                BenchmarkContext context = new BenchmarkContext(settings, server)) {
            Machine machine = Machine.describe(context.serverVersion(), Nats.CLIENT_VERSION, commit);
            report = new Report(machine, Instant.now(), settings.name() + " mode");
            progress("nats-server " + context.serverVersion() + " at " + server.url() + ", " + settings.name()
                    + " mode, " + scenarios.size() + " scenarios");
            for (Scenario scenario : scenarios) {
                long s = System.nanoTime();
                progress("scenario " + scenario.id() + " …");
                ScenarioResult result;
                try {
                    result = scenario.run(context);
                } catch (Exception e) {
                    result = new ScenarioResult(
                            scenario.id(), scenario.getClass().getSimpleName(), "");
                    result.note("**failed**: " + e + " – see the console output of the run");
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    System.err.println(trace);
                }
                result.seconds = (System.nanoTime() - s) / 1e9;
                report.add(result);
                progress("scenario " + scenario.id() + " done in " + Report.fmt(result.seconds) + " s");
            }
        }
        report.finish((System.nanoTime() - start) / 1e9);
        String markdown = report.markdown();
        System.out.println(markdown);
        if (json != null) {
            Files.writeString(json, report.json());
            progress("wrote " + json);
        }
        if (docs != null) {
            Files.writeString(docs, Report.replaceResults(Files.readString(docs), markdown));
            progress("rewrote the results section of " + docs);
        }
    }

    private static void progress(String line) {
        System.err.println("[benchmark " + Instant.now() + "] " + line);
    }
}
