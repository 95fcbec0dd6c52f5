package dev.verdict.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the numbers were measured: a benchmark result without its machine is meaningless, and on a shared machine the
 * load average says how much to trust it.
 *
 * <pre>{@code
 * Machine m = Machine.describe(serverVersion, Nats.CLIENT_VERSION, commit);
 * }</pre>
 */
record Machine(
        int cores,
        String cpu,
        long memoryBytes,
        String os,
        String jvm,
        long maxHeapBytes,
        String gc,
        String jvmArguments,
        String serverVersion,
        String jnatsVersion,
        String commit,
        String loadAverageAtStart) {

    static Machine describe(String serverVersion, String jnatsVersion, String commit) {
        List<String> gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList();
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpuModel().orElse(System.getProperty("os.arch")),
                totalMemory().orElse(-1L),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory(),
                String.join(", ", gcs),
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-X") || a.startsWith("-XX"))
                        .collect(Collectors.joining(" ")),
                serverVersion,
                jnatsVersion,
                commit,
                loadAverage());
    }

    static String loadAverage() {
        return read("/proc/loadavg")
                .map(s -> String.join(" ", List.of(s.trim().split("\\s+")).subList(0, 3)))
                .orElse("unknown");
    }

    private static Optional<String> cpuModel() {
        return read("/proc/cpuinfo")
                .flatMap(s -> s.lines()
                        .filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst());
    }

    private static Optional<Long> totalMemory() {
        return read("/proc/meminfo")
                .flatMap(s -> s.lines()
                        .filter(l -> l.startsWith("MemTotal:"))
                        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                        .findFirst());
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
