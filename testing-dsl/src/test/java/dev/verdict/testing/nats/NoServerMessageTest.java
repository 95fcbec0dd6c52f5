package dev.verdict.testing.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when their machine has no nats-server: a child JVM with an empty PATH, no NATS_SERVER_BIN, no
 * Docker configuration and a working directory without {@code .tools/} asks {@link NatsServerExtension} for a server.
 * Its first output is the kit's message – no ERROR block of Testcontainers before it – and the message names what a
 * user can do in their own project, not this repository's scripts.
 */
class NoServerMessageTest {

    @Test
    void withoutTestcontainersTheMessageIsTheFirstThingPrintedAndOffersDocker(@TempDir Path dir) throws Exception {
        String printed = probe(
                dir,
                classPath().stream()
                        .filter(entry -> !entry.contains("testcontainers") && !entry.contains("docker-java"))
                        .toList());

        assertThat(printed).startsWith("MESSAGE: No nats-server 2.12+ found for this test");
        assertThat(printed)
                .contains("Testcontainers is not on the test class path")
                .contains("NATS_SERVER_BIN=/path/to/nats-server")
                .contains("https://github.com/nats-io/nats-server/releases")
                .contains("add org.testcontainers:testcontainers to your test dependencies")
                .doesNotContain("scripts/install-nats-server")
                .doesNotContain("ERROR");
    }

    @Test
    void withTestcontainersButNoDockerNothingPrecedesTheMessage(@TempDir Path dir) throws Exception {
        List<String> classPath = classPath();
        assertThat(classPath).anyMatch(entry -> entry.contains("testcontainers"));

        String printed = probe(dir, classPath);

        assertThat(printed).startsWith("MESSAGE: No nats-server 2.12+ found for this test");
        assertThat(printed)
                .contains("no Docker engine is configured")
                .contains("NATS_SERVER_BIN")
                .doesNotContain("scripts/install-nats-server")
                .doesNotContain("ERROR");
    }

    private static String probe(Path dir, List<String> classPath) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("project"));
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Duser.home=" + home,
                        "-cp",
                        String.join(File.pathSeparator, classPath),
                        NoServerProbe.class.getName())
                .directory(work.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(key -> key.startsWith("DOCKER_") || key.startsWith("TESTCONTAINERS_"));
        env.remove("NATS_SERVER_BIN");
        env.remove("XDG_RUNTIME_DIR");
        env.put("PATH", Files.createDirectories(dir.resolve("empty-bin")).toString());
        env.put("HOME", home.toString());
        Process process = pb.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(Files.exists(Path.of("/.tools/nats-server")))
                .as("a .tools/nats-server above the temporary folder would be found")
                .isFalse();
        return printed;
    }

    /** The test class path (surefire passes it in a property; the JVM's own otherwise). */
    private static List<String> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(cp.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .collect(Collectors.toList());
    }
}
