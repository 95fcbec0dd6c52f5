package dev.verdict.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocSamplesLabelledFilesTest {

    @Test
    void extractsEveryLabelledBlockByPathInDocumentOrder() {
        String markdown = String.join(
                "\n",
                "# A guide",
                "",
                "File: `pom.xml`",
                "",
                "```xml",
                "<project/>",
                "```",
                "",
                "Some prose, and a block without a label:",
                "",
                "```sh",
                "mvn test",
                "```",
                "File: `src/main/java/A.java`",
                "```java",
                "class A {",
                "",
                "}",
                "```");

        Map<String, String> files = DocSamples.labelledFiles(markdown);

        assertThat(List.copyOf(files.keySet())).containsExactly("pom.xml", "src/main/java/A.java");
        assertThat(files.get("pom.xml")).isEqualTo("<project/>\n");
        assertThat(files.get("src/main/java/A.java")).isEqualTo("class A {\n\n}\n");
    }

    @Test
    void refusesALabelWithoutABlockAnUnclosedBlockAndAPathGivenTwice() {
        assertThatThrownBy(() -> DocSamples.labelledFiles("File: `a.txt`\n\nprose\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.txt");
        assertThatThrownBy(() -> DocSamples.labelledFiles("File: `a.txt`\n```\ntext\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> DocSamples.labelledFiles("File: `a.txt`\n```\n1\n```\nFile: `a.txt`\n```\n2\n```\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two blocks");
    }
}
