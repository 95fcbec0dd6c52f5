package dev.verdict.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the tests that keep the documentation's code samples honest share: the {@code ```java} samples of a Markdown
 * text, the Java sources they must appear in (whitespace ignored), and the repository root the documents live in.
 * Not part of Verdict's API.
 */
public final class DocSamples {
    private DocSamples() {}

    /** The {@code ```java} fenced blocks of the Markdown text, in order, each stripped. */
    public static List<String> javaSamples(String markdown) {
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

    private static final Pattern FILE_LABEL = Pattern.compile("^File: `([^`]+)`$");

    /**
     * The files a guide gives whole: every fenced block (any language) whose line before – blank lines skipped – is
     * {@code File: `relative/path`}, by path in document order, each block's text ending with a newline.
     *
     * @throws IllegalArgumentException when a label is not followed by a fenced block, a block is not closed, or two
     *     blocks name the same path
     */
    public static Map<String, String> labelledFiles(String markdown) {
        Map<String, String> files = new LinkedHashMap<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher label = FILE_LABEL.matcher(lines[i].strip());
            if (!label.matches()) {
                continue;
            }
            String path = label.group(1);
            int open = i + 1;
            while (open < lines.length && lines[open].isBlank()) {
                open++;
            }
            if (open == lines.length || !lines[open].strip().startsWith("```")) {
                throw new IllegalArgumentException(
                        "the label 'File: `" + path + "`' (line " + (i + 1) + ") is not followed by a fenced block");
            }
            StringBuilder text = new StringBuilder();
            int close = open + 1;
            while (close < lines.length && !lines[close].strip().equals("```")) {
                text.append(lines[close]).append('\n');
                close++;
            }
            if (close == lines.length) {
                throw new IllegalArgumentException("the block of " + path + " (line " + (open + 1) + ") is not closed");
            }
            if (files.putIfAbsent(path, text.toString()) != null) {
                throw new IllegalArgumentException("two blocks are labelled File: `" + path + "`");
            }
            i = close;
        }
        return files;
    }

    /** Every {@code .java} file under the folders, in path order per folder, with all whitespace removed. */
    public static String javaSourcesWithoutWhitespace(Path... dirs) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                all.append(files.filter(f -> f.toString().endsWith(".java"))
                        .sorted()
                        .map(DocSamples::read)
                        .collect(Collectors.joining("\n")));
            }
        }
        return withoutWhitespace(all.toString());
    }

    /** The text with all whitespace removed. */
    public static String withoutWhitespace(String text) {
        return text.replaceAll("\\s+", "");
    }

    /**
     * The nearest folder at or above the working directory that holds {@code marker} (a path relative to it).
     *
     * @throws IllegalStateException when there is none
     */
    public static Path repositoryRoot(String marker) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(marker))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (with " + marker + ") above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
