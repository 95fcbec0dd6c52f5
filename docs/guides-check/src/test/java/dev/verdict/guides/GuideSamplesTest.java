package dev.verdict.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.internal.DocSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guide's Java samples are whole files the guide's project test builds – so none escapes it: every {@code ```java}
 * block is labelled {@code File: `path`}, or says to the reader that it is not a file of the project ({@code //
 * abridged}, {@code // Java 21+}).
 */
class GuideSamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/getting-started.md", "docs/spring-boot.md"})
    void everyJavaSampleIsAFileOfTheGuidesProject(String document) throws IOException {
        Path root = DocSamples.repositoryRoot("docs/getting-started.md");
        String markdown = Files.readString(root.resolve(document));
        Map<String, String> files = DocSamples.labelledFiles(markdown);
        List<String> samples = DocSamples.javaSamples(markdown);

        assertThat(files).as("files of " + document).isNotEmpty();
        for (String sample : samples) {
            if (sample.startsWith("// abridged") || sample.startsWith("// Java 21+")) {
                continue;
            }
            assertThat(files.values().stream().map(String::strip))
                    .as("this sample of %s has no line `File: <path>` before it:%n%s", document, sample)
                    .contains(sample);
        }
    }
}
