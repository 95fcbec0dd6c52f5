package dev.verdict.testing.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}, {@code createdb}), in this
 * order: the directory in {@code $POSTGRES_BIN_DIR}; the newest {@code /usr/lib/postgresql/<version>/bin} (Debian's
 * {@code postgresql} package); {@code /usr/local/pgsql/bin}; {@code initdb} on {@code PATH}.
 *
 * <pre>{@code
 * Optional<Path> bin = PostgresBinaries.locate();
 * }</pre>
 */
public final class PostgresBinaries {
    /** Environment variable naming a directory with {@code initdb} and {@code pg_ctl}. */
    public static final String ENV = "POSTGRES_BIN_DIR";

    /** One sentence telling a developer how to get PostgreSQL for the tests. */
    public static final String INSTALL_HINT = "Run scripts/install-postgres (Debian/Ubuntu, as root: apt-get install"
            + " postgresql), or set " + ENV + " to a directory containing initdb and pg_ctl.";

    private PostgresBinaries() {}

    /** The directory holding {@code initdb} and {@code pg_ctl}, if any is installed. */
    public static Optional<Path> locate() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank() && usable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(PostgresBinaries::usable)
                        .max(Comparator.comparing(PostgresBinaries::majorVersion));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // unreadable: try the other places
            }
        }
        Path local = Path.of("/usr/local/pgsql/bin");
        if (usable(local)) {
            return Optional.of(local);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : List.of(path.split(java.io.File.pathSeparator))) {
                if (!dir.isEmpty() && usable(Path.of(dir))) {
                    return Optional.of(Path.of(dir));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean usable(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
