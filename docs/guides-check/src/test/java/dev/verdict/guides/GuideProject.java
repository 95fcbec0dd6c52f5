package dev.verdict.guides;

import dev.verdict.testing.internal.DocSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A throwaway project made of the files a guide gives whole ({@code File: `path`} before a fenced block), built by a
 * child Maven – the one running this build – offline, against a private local repository that holds this reactor's
 * artifacts and, through a {@code file:} mirror, every third-party artifact of the build's own local repository.
 */
final class GuideProject {
    private static final Pattern SUITE = Pattern.compile("<testsuite\\b[^>]*>");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\b(name|tests|skipped)=\"([^\"]*)\"");
    private static final String CLASS_PATH = "target/guide-test-classpath.txt";

    private final Path dir;
    private final Map<String, String> files;
    private final Path settings;
    private final Path repository;
    private int runs;

    private GuideProject(Path dir, Map<String, String> files, Path settings, Path repository) {
        this.dir = dir;
        this.files = files;
        this.settings = settings;
        this.repository = repository;
    }

    /**
     * Writes the labelled files of the documents (paths relative to the repository root, in order; a path given by
     * two documents is an error) into a fresh folder under {@code target/guides/<name>}.
     */
    static GuideProject of(String name, String... documents) throws Exception {
        Path root = DocSamples.repositoryRoot("docs/getting-started.md");
        Map<String, String> files = new LinkedHashMap<>();
        for (String document : documents) {
            DocSamples.labelledFiles(Files.readString(root.resolve(document))).forEach((path, text) -> {
                if (files.putIfAbsent(path, text) != null) {
                    throw new IllegalArgumentException(path + " is given twice (again in " + document + ")");
                }
            });
        }
        Path work = Path.of("target", "guides").toAbsolutePath();
        Path dir = work.resolve(name);
        deleteRecursively(dir);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey()).normalize();
            if (!path.startsWith(dir)) {
                throw new IllegalArgumentException("a guide's file lies outside its project: " + file.getKey());
            }
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return new GuideProject(dir, files, Settings.settings(work, root), work.resolve("repository"));
    }

    Path dir() {
        return dir;
    }

    /** The guide's files by path, in document order. */
    Map<String, String> files() {
        return files;
    }

    /** The simple names of the test classes among the guide's files ({@code src/test/java/**.java}). */
    List<String> testClasses() {
        List<String> classes = new ArrayList<>();
        for (String path : files.keySet()) {
            if (path.startsWith("src/test/java/") && path.endsWith(".java")) {
                classes.add(path.substring("src/test/java/".length(), path.length() - ".java".length())
                        .replace('/', '.'));
            }
        }
        return classes;
    }

    /**
     * Runs {@code mvn -B -o <arguments>} in the project and returns its log; fails with the log's tail when Maven
     * fails or takes longer than {@code timeout}.
     */
    String maven(Duration timeout, String... arguments) throws Exception {
        return maven(Map.of(), timeout, arguments);
    }

    /** As {@link #maven(Duration, String...)}, with these environment variables added. */
    String maven(Map<String, String> environment, Duration timeout, String... arguments) throws Exception {
        String mavenHome = System.getProperty("maven.home");
        if (mavenHome == null) {
            throw new IllegalStateException("maven.home is not set: run the guides check through Maven (surefire passes"
                    + " the running Maven's home), e.g. mvn verify -pl docs/guides-check -am");
        }
        Path mvn = Path.of(mavenHome, "bin", "mvn");
        List<String> command = new ArrayList<>(List.of(
                mvn.toString(),
                "-B",
                "-ntp",
                "-o",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repository,
                // offline, yet the file: mirror of the build's own local repository may be read
                "-Daether.offline.protocols=file"));
        command.addAll(List.of(arguments));
        Path log = dir.resolve("maven-" + (++runs) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        NatsServerBinaries.located().ifPresent(bin -> builder.environment().put("NATS_SERVER_BIN", bin.toString()));
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().putAll(environment);
        Process maven = builder.start();
        if (!maven.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
            throw new AssertionError(
                    "mvn " + String.join(" ", arguments) + " in " + dir + " took over " + timeout + ":\n" + tail(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (maven.exitValue() != 0) {
            throw new AssertionError("mvn " + String.join(" ", arguments) + " in " + dir + " failed (exit "
                    + maven.exitValue() + "):\n" + tail(log));
        }
        return output;
    }

    /**
     * The goal and properties to add to a {@link #maven} run so that it also writes the project's test class path for
     * {@link #lintWarningsAboutVerdict()} (in the same child build, so it costs no second Maven start).
     */
    String[] withClassPath(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of(
                "org.apache.maven.plugins:maven-dependency-plugin:" + System.getProperty("dependency-plugin.version")
                        + ":build-classpath",
                "-Dmdep.includeScope=test",
                "-Dmdep.outputFile=" + dir.resolve(CLASS_PATH)));
        return all.toArray(String[]::new);
    }

    /**
     * Compiles the guide's Java files with {@code javac -Xlint:all} against the class path a {@link #withClassPath}
     * run wrote, and returns the warnings about Verdict's classes rather than the guide's code: any naming {@code
     * dev.verdict}, any about a class file ("class file for … not found", as an annotation kept in a Verdict class
     * whose artifact users do not get), and any without a position in the guide's files. Fails when javac fails.
     */
    List<String> lintWarningsAboutVerdict() throws IOException {
        String classPath = Files.readString(dir.resolve(CLASS_PATH)).strip();
        List<String> sources = files.keySet().stream()
                .filter(path -> path.endsWith(".java"))
                .map(path -> dir.resolve(path).toString())
                .toList();
        Path out = Files.createDirectories(dir.resolve("target/lint-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "-Xlint:all", "--release", "17", "-proc:none", "-d", out.toString(), "-classpath", classPath);
            boolean compiled = javac.getTask(
                            null,
                            fileManager,
                            diagnostics,
                            options,
                            null,
                            fileManager.getJavaFileObjectsFromStrings(sources))
                    .call();
            if (!compiled) {
                throw new AssertionError(
                        "javac -Xlint:all failed on the guide's files: " + diagnostics.getDiagnostics());
            }
        }
        List<String> aboutVerdict = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            boolean warning =
                    d.getKind() == Diagnostic.Kind.WARNING || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING;
            if (warning
                    && (d.getSource() == null
                            || message.contains("dev.verdict")
                            || message.contains("class file for"))) {
                aboutVerdict.add((d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                        + message);
            }
        }
        return aboutVerdict;
    }

    /** Tests run per test class, from the child build's surefire reports (skipped tests not counted). */
    Map<String, Integer> testsRun() throws IOException {
        Map<String, Integer> run = new TreeMap<>();
        Path reports = dir.resolve("target/surefire-reports");
        if (!Files.isDirectory(reports)) {
            return run;
        }
        try (Stream<Path> xml = Files.list(reports)) {
            for (Path report : xml.filter(p -> p.getFileName().toString().startsWith("TEST-"))
                    .toList()) {
                Matcher suite = SUITE.matcher(Files.readString(report));
                if (!suite.find()) {
                    continue;
                }
                Map<String, String> attributes = new TreeMap<>();
                Matcher attribute = ATTRIBUTE.matcher(suite.group());
                while (attribute.find()) {
                    attributes.put(attribute.group(1), attribute.group(2));
                }
                int tests = Integer.parseInt(attributes.getOrDefault("tests", "0"))
                        - Integer.parseInt(attributes.getOrDefault("skipped", "0"));
                run.merge(attributes.getOrDefault("name", report.toString()), tests, Integer::sum);
            }
        }
        return run;
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p :
                    paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Deletes the private repository's records of artifacts the mirror did not have ({@code *.lastUpdated}), so that
     * an artifact since resolved into the build's local repository is found.
     */
    private static void forgetMisses(Path repository) throws IOException {
        if (!Files.isDirectory(repository)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(repository)) {
            for (Path p :
                    paths.filter(p -> p.toString().endsWith(".lastUpdated")).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The child builds' settings and private repository, made once per run of this module's tests. */
    private static final class Settings {
        private static Path made;

        static synchronized Path settings(Path work, Path root) throws Exception {
            if (made != null) {
                return made;
            }
            Path repository = work.resolve("repository");
            forgetMisses(repository);
            List<LocalVerdictRepository.Installed> installed = LocalVerdictRepository.install(root, repository);
            if (installed.stream().noneMatch(LocalVerdictRepository.Installed::jar)) {
                throw new IllegalStateException("no module's jar is built: run this module with its reactor"
                        + " (mvn verify, or -pl docs/guides-check -am)");
            }
            Path parentRepository = Path.of(System.getProperty("parent.repo.local"));
            String settings = """
                    <settings>
                      <mirrors>
                        <mirror>
                          <id>build-local-repository</id>
                          <mirrorOf>*</mirrorOf>
                          <url>%s</url>
                        </mirror>
                      </mirrors>
                    </settings>
                    """.formatted(parentRepository.toUri());
            made = work.resolve("settings.xml");
            Files.writeString(made, settings);
            return made;
        }
    }
}
