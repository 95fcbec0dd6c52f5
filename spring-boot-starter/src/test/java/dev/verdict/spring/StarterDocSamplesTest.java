package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} sample in docs/spring-boot.md is real code: it must appear token for token (whitespace ignored)
 * in this module's sources – mostly {@code src/test/java/dev/verdict/spring/docs/}, where the build compiles it and
 * the {@code Starter*} tests run it.
 */
class StarterDocSamplesTest {

    @Test
    void everyJavaSampleOfTheSpringBootPageIsCompiledCode() throws IOException {
        Path root = repositoryRoot();
        String sources = sources(root.resolve("spring-boot-starter/src"));
        List<String> samples = javaSamples(Files.readString(root.resolve("docs/spring-boot.md")));

        assertThat(samples).hasSizeGreaterThanOrEqualTo(5);
        for (String sample : samples) {
            assertThat(sources)
                    .as("this sample of docs/spring-boot.md is not (any more) in the compiled sources:%n%s", sample)
                    .contains(withoutWhitespace(sample));
        }
    }

    static List<String> javaSamples(String markdown) {
        List<String> samples = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.strip().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                samples.add(current.toString().strip());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return samples;
    }

    private static String sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return withoutWhitespace(files.filter(f -> f.toString().endsWith(".java"))
                    .sorted()
                    .map(StarterDocSamplesTest::read)
                    .collect(Collectors.joining("\n")));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String withoutWhitespace(String text) {
        return text.replaceAll("\\s+", "");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/spring-boot.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
