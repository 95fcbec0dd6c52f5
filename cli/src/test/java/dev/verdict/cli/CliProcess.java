package dev.verdict.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code verdict} as a separate JVM on the test class path, as an operator would. */
final class CliProcess {
    record Result(int exit, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + millis + " ms\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private CliProcess() {}

    static Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        Process p = start(env, args);
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return finish(p);
    }

    static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(Verdict.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("NATS_URL");
        pb.environment().remove("NATS_USER");
        pb.environment().remove("NATS_PASSWORD");
        pb.environment().remove("NATS_CREDS");
        pb.environment().putAll(env);
        File out = File.createTempFile("verdict-out", ".txt");
        File err = File.createTempFile("verdict-err", ".txt");
        out.deleteOnExit();
        err.deleteOnExit();
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        FILES.put(p, new File[] {out, err, null});
        STARTED.put(p, System.nanoTime());
        return p;
    }

    private static final Map<Process, File[]> FILES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<Process, Long> STARTED = new java.util.concurrent.ConcurrentHashMap<>();

    static String errSoFar(Process p) throws IOException {
        return Files.readString(FILES.get(p)[1].toPath());
    }

    static Result finish(Process p) throws IOException, InterruptedException {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        File[] files = FILES.remove(p);
        long millis = (System.nanoTime() - STARTED.remove(p)) / 1_000_000;
        Result r = new Result(
                p.exitValue(), Files.readString(files[0].toPath()), Files.readString(files[1].toPath()), millis);
        Files.deleteIfExists(files[0].toPath());
        Files.deleteIfExists(files[1].toPath());
        return r;
    }
}
