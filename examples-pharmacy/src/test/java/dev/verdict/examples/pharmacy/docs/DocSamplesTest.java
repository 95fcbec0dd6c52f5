package dev.verdict.examples.pharmacy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code ```java} sample in the README and the user docs this example owns is real, compiled code: it must
 * appear token for token (whitespace ignored) in the sources of the framework or of this module, where the build
 * compiles and – for tests – runs it. A sample whose first line starts with {@code // abridged} or {@code // Java
 * 21+} is exempt and says so to the reader.
 */
class DocSamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/getting-started.md", "docs/concepts.md"})
    void everyJavaSampleIsCompiledCode(String document) throws IOException {
        Path root = repositoryRoot();
        String sources = compiledSources(root);
        List<String> samples = javaSamples(Files.readString(root.resolve(document)));

        assertThat(samples).as("java samples in " + document).isNotEmpty();
        for (String sample : samples) {
            if (sample.startsWith("// abridged") || sample.startsWith("// Java 21+")) {
                continue;
            }
            assertThat(sources)
                    .as("this sample of %s is not (any more) in the compiled sources:%n%s", document, sample)
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

    private static String compiledSources(Path root) throws IOException {
        List<Path> dirs = List.of(
                root.resolve("framework/src/main/java"),
                root.resolve("examples-pharmacy/src/main/java"),
                root.resolve("examples-pharmacy/src/test/java"));
        StringBuilder all = new StringBuilder();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                all.append(files.filter(f -> f.toString().endsWith(".java"))
                        .sorted()
                        .map(DocSamplesTest::read)
                        .collect(Collectors.joining("\n")));
            }
        }
        return withoutWhitespace(all.toString());
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
        while (dir != null && !Files.exists(dir.resolve("docs/concepts.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (with docs/concepts.md) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
