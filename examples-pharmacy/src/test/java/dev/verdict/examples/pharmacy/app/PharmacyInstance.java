package dev.verdict.examples.pharmacy.app;

import dev.verdict.testing.postgres.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One app instance: a child JVM running {@code PharmacyApp}'s main, as {@code scripts/pharmacy} starts it. */
final class PharmacyInstance {
    final int index;
    final InstancesScenario scenario;
    final Path dataDir;
    final Path log;
    Process process;
    volatile URI url;
    volatile int launches;
    volatile Thread supervisor;
    volatile Throwable failure;

    PharmacyInstance(int index, InstancesScenario scenario, Path temp) throws IOException {
        this.index = index;
        this.scenario = scenario;
        this.dataDir = Files.createDirectories(temp.resolve(scenario.name + "-instance-" + index));
        this.log = dataDir.resolve("app.log");
    }

    void launch() throws IOException {
        launches++;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
        env.putAll(TestMode.environment()); // STORE_SHARDS of the test mode
        env.put("COMMAND_ROUTING", scenario.routed || TestMode.shardedRouted() ? "owner" : "off");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "=== launch " + launches + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
                scenario.note(
                        "instance " + index + " exited while starting (" + crashes + "), starting it again: " + reason);
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
            Matcher gone = InstancesScenario.NO_LONGER_OWNS.matcher(line);
            Matcher owns = InstancesScenario.OWNS.matcher(line);
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
