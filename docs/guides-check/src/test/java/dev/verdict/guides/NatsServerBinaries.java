package dev.verdict.guides;

import dev.verdict.testing.internal.DocSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The nats-server this build uses, handed to the guides' child builds as {@code NATS_SERVER_BIN}. */
final class NatsServerBinaries {
    private NatsServerBinaries() {}

    /** {@code NATS_SERVER_BIN} when set, else the repository's {@code .tools/nats-server}; empty: the child looks on PATH. */
    static Optional<Path> located() {
        String fromEnv = System.getenv("NATS_SERVER_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv));
        }
        Path tools = DocSamples.repositoryRoot("docs/getting-started.md")
                .resolve(".tools/nats-server")
                .toAbsolutePath();
        return Files.isExecutable(tools) ? Optional.of(tools) : Optional.empty();
    }
}
