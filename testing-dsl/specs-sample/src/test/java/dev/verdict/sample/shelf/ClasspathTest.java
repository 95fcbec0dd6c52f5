package dev.verdict.sample.shelf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A domain module with only {@code verdict-decider} and {@code verdict-testing-specs} gets no NATS client, no
 * Testcontainers (nor docker-java), no PostgreSQL driver and not the framework on its test classpath – checked on
 * the classpath Maven resolved (written by {@code dependency:build-classpath}) and on the running class loader.
 */
class ClasspathTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/io/nats/",
                "/org/testcontainers/",
                "/com/github/docker-java/",
                "/org/postgresql/",
                "/verdict-framework",
                "/framework/target/",
                "/verdict-testing-dsl",
                "/com/fasterxml/jackson/"
            })
    void theResolvedTestClasspathHasNo(String forbidden) throws IOException {
        List<String> entries = resolvedTestClasspath();

        assertTrue(
                entries.stream().anyMatch(e -> e.contains("verdict-testing-specs") || e.contains("specs/target")),
                () -> "the resolved classpath should hold the specs artifact: " + entries);
        assertFalse(
                entries.stream()
                        .anyMatch(e -> e.replace(File.separatorChar, '/').contains(forbidden)),
                () -> "the resolved test classpath holds " + forbidden + ": " + entries);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "io.nats.client.Nats",
                "io.nats.NatsServerRunner",
                "org.testcontainers.DockerClientFactory",
                "org.postgresql.Driver",
                "dev.verdict.store.EventStore",
                "dev.verdict.testing.nats.NatsServerExtension"
            })
    void noClassOfTheServerSideCanBeLoaded(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }

    private static List<String> resolvedTestClasspath() throws IOException {
        Path file = Path.of("target", "test-classpath.txt");
        assertTrue(Files.exists(file), "written by the build (dependency:build-classpath, see the pom)");
        return Stream.of(Files.readString(file).strip().split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .toList();
    }
}
