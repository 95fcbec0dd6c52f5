package dev.verdict.examples.pharmacy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.internal.DocSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code ```java} sample in the README and the user docs this example owns is real, compiled code: it must
 * appear token for token (whitespace ignored) in the sources of the framework or of this module, where the build
 * compiles and – for tests – runs it. A sample whose first line starts with {@code // abridged} or {@code // Java
 * 21+} is exempt and says so to the reader. (README.md and docs/getting-started.md give whole files, which {@code
 * docs/guides-check} builds and runs as a project of their own.)
 */
class DocSamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"docs/concepts.md"})
    void everyJavaSampleIsCompiledCode(String document) throws IOException {
        Path root = DocSamples.repositoryRoot("docs/concepts.md");
        String sources = DocSamples.javaSourcesWithoutWhitespace(
                root.resolve("framework/decider/src/main/java"),
                root.resolve("framework/src/main/java"),
                root.resolve("examples-pharmacy/src/main/java"),
                root.resolve("examples-pharmacy/src/test/java"));
        List<String> samples = DocSamples.javaSamples(Files.readString(root.resolve(document)));

        assertThat(samples).as("java samples in " + document).isNotEmpty();
        for (String sample : samples) {
            if (sample.startsWith("// abridged") || sample.startsWith("// Java 21+")) {
                continue;
            }
            assertThat(sources)
                    .as("this sample of %s is not (any more) in the compiled sources:%n%s", document, sample)
                    .contains(DocSamples.withoutWhitespace(sample));
        }
    }
}
