package dev.verdict.examples.pharmacy.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the pharmacy app listens and what it connects to, read from the environment by {@link #fromEnvironment}:
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PORT}</td><td>{@code 8080}</td><td>HTTP port on 127.0.0.1 ({@code 0} = any free port)</td></tr>
 *   <tr><td>{@code NATS_URL}</td><td>{@code nats://127.0.0.1:4222}</td><td>the nats-server (2.12+) to use;
 *       {@code scripts/pharmacy} starts its own and sets this</td></tr>
 *   <tr><td>{@code DATA_DIR}</td><td>{@code ./data}</td><td>where the embedded read-model database lives</td></tr>
 *   <tr><td>{@code JDBC_URL}</td><td>H2 file {@code DATA_DIR/readmodel/pharmacy}</td><td>the read model's
 *       database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/pharmacy}</td></tr>
 *   <tr><td>{@code JDBC_USER}, {@code JDBC_PASSWORD}</td><td>none</td><td>credentials for {@code JDBC_URL}</td></tr>
 *   <tr><td>{@code NATS_REPLICAS}</td><td>{@code 1}</td><td>replicas of the event stream and its snapshot bucket
 *       (3 on a 3-node cluster); every instance of the app must use the same value</td></tr>
 * </table>
 *
 * @param host the address to listen on
 * @param port the HTTP port, 0 for a free one
 * @param natsUrl the nats-server URL
 * @param jdbcUrl the read model's JDBC URL
 * @param jdbcUser the database user, if any
 * @param jdbcPassword the database password, if any
 * @param storeName the event store's name (stream and first subject token)
 * @param replicas replicas of the event stream and its snapshot bucket (1..5)
 */
public record PharmacySettings(
        String host,
        int port,
        String natsUrl,
        String jdbcUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        String storeName,
        int replicas) {

    public PharmacySettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(jdbcPassword, "jdbcPassword");
        Objects.requireNonNull(storeName, "storeName");
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas must be 1-5, was " + replicas);
        }
    }

    /** Settings for a single-node nats-server (stream and snapshot bucket with one replica). */
    public PharmacySettings(
            String host,
            int port,
            String natsUrl,
            String jdbcUrl,
            Optional<String> jdbcUser,
            Optional<String> jdbcPassword,
            String storeName) {
        this(host, port, natsUrl, jdbcUrl, jdbcUser, jdbcPassword, storeName, 1);
    }

    /** The settings with every credential masked ({@link Redaction}): safe to log. */
    @Override
    public String toString() {
        return "PharmacySettings[host=" + host + ", port=" + port + ", natsUrl=" + Redaction.redact(natsUrl)
                + ", jdbcUrl=" + Redaction.redact(jdbcUrl) + ", jdbcUser=" + jdbcUser.orElse("<none>")
                + ", jdbcPassword=" + (jdbcPassword.isPresent() ? Redaction.MASK : "<none>") + ", storeName="
                + storeName + "]";
    }

    /** The settings from environment variables (see the table above). */
    public static PharmacySettings fromEnvironment(Map<String, String> env) {
        String portText = env.getOrDefault("PORT", "8080").trim();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a number, was '" + portText + "'");
        }
        String replicasText = env.getOrDefault("NATS_REPLICAS", "1").trim();
        int replicas;
        try {
            replicas = Integer.parseInt(replicasText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NATS_REPLICAS must be a number, was '" + replicasText + "'");
        }
        Path dataDir = Path.of(env.getOrDefault("DATA_DIR", "data"));
        return new PharmacySettings(
                "127.0.0.1",
                port,
                env.getOrDefault("NATS_URL", "nats://127.0.0.1:4222"),
                Optional.ofNullable(env.get("JDBC_URL"))
                        .filter(s -> !s.isBlank())
                        .orElseGet(() -> h2File(dataDir)),
                Optional.ofNullable(env.get("JDBC_USER")).filter(s -> !s.isBlank()),
                Optional.ofNullable(env.get("JDBC_PASSWORD")),
                "pharmacy",
                replicas);
    }

    /** Settings for tests: a free port, the given NATS, an H2 file in the given directory. */
    public static PharmacySettings forTest(String natsUrl, Path dataDir) {
        return new PharmacySettings(
                "127.0.0.1", 0, natsUrl, h2File(dataDir), Optional.empty(), Optional.empty(), "pharmacy");
    }

    /** An embedded H2 database file in {@code dataDir/readmodel}, in PostgreSQL compatibility mode. */
    static String h2File(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("readmodel").resolve("pharmacy")
                + ";MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE";
    }
}
