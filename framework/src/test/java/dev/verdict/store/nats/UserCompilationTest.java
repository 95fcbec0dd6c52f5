package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's code that uses Verdict's public configuration API compiles without a single javac warning, with
 * {@code -Xlint:all -Werror}, against the framework's classes and nothing but its runtime dependencies – what a user's
 * project sees. (An annotation whose artifact users do not get – Immutables' {@code @Value.Style} once – made javac
 * print "unknown enum constant" on every such compilation.) The runtime class path is written by the build
 * ({@code dependency:build-classpath}, see this module's pom) to {@code target/runtime-classpath.txt}.
 */
class UserCompilationTest {

    private static final String USER_CODE = """
            package user;

            import dev.verdict.store.StoreName;
            import dev.verdict.store.nats.NatsEventStoreConfig;
            import java.time.Duration;

            public class StoreSettings {
                public static NatsEventStoreConfig config() {
                    return NatsEventStoreConfig.builder()
                            .storeName(StoreName.of("pharmacy"))
                            .replicas(3)
                            .duplicateWindow(Duration.ofMinutes(10))
                            .build();
                }

                public static NatsEventStoreConfig copy(NatsEventStoreConfig config) {
                    return new NatsEventStoreConfig.Builder().from(config).provision(false).build();
                }
            }
            """;

    @Test
    void codeUsingNatsEventStoreConfigCompilesWithoutAnyWarning(@TempDir Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of(
                "-Xlint:all",
                "-Werror",
                "--release",
                "17",
                "-proc:none",
                "-classpath",
                userClassPath(),
                "-d",
                "" + out);

        boolean compiled = javac.getTask(null, null, diagnostics, options, null, List.of(new Source(USER_CODE)))
                .call();

        String printed = diagnostics.getDiagnostics().stream()
                .map(d -> d.getKind() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
        assertThat(printed).as("what javac printed").isEmpty();
        assertThat(compiled).isTrue();
        assertThat(out.resolve("user/StoreSettings.class")).exists();
    }

    /** The framework's classes and its runtime dependencies (no test or provided scope), as the build resolved them. */
    private static String userClassPath() throws IOException {
        Path runtime = Path.of("target", "runtime-classpath.txt");
        assertThat(runtime)
                .as("written by the build (dependency:build-classpath)")
                .exists();
        List<String> entries = new ArrayList<>();
        entries.add(Path.of("target", "classes").toAbsolutePath().toString());
        for (String entry : Files.readString(runtime).strip().split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String code) {
            super(URI.create("string:///user/StoreSettings.java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
