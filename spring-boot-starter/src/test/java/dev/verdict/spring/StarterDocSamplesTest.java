package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.internal.DocSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} sample in docs/spring-boot.md is real code: it must appear token for token (whitespace ignored)
 * in this module's sources – mostly {@code src/test/java/dev/verdict/spring/docs/}, where the build compiles it and
 * the {@code Starter*} tests run it.
 */
class StarterDocSamplesTest {

    @Test
    void everyJavaSampleOfTheSpringBootPageIsCompiledCode() throws IOException {
        Path root = DocSamples.repositoryRoot("docs/spring-boot.md");
        String sources = DocSamples.javaSourcesWithoutWhitespace(root.resolve("spring-boot-starter/src"));
        List<String> samples = DocSamples.javaSamples(Files.readString(root.resolve("docs/spring-boot.md")));

        assertThat(samples).hasSizeGreaterThanOrEqualTo(5);
        for (String sample : samples) {
            assertThat(sources)
                    .as("this sample of docs/spring-boot.md is not (any more) in the compiled sources:%n%s", sample)
                    .contains(DocSamples.withoutWhitespace(sample));
        }
    }
}
