package dev.verdict.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code verdict.*} properties of the Spring Boot starter. Only {@code verdict.store.name} is required; everything
 * else has the framework's defaults.
 *
 * <pre>{@code
 * verdict.nats.url=nats://nats-1:4222,nats://nats-2:4222
 * verdict.store.name=pharmacy
 * verdict.store.replicas=3
 * verdict.command-index.retention=30d
 * }</pre>
 */
@ConfigurationProperties("verdict")
public class VerdictProperties {

    private final Nats nats = new Nats();
    private final Store store = new Store();
    private final CommandIndex commandIndex = new CommandIndex();
    private final Runtime runtime = new Runtime();
    private final Projections projections = new Projections();
    private final Tracing tracing = new Tracing();

    /** The NATS connection (ignored when the application declares its own {@code io.nats.client.Connection}). */
    public Nats getNats() {
        return nats;
    }

    /** The event store: its stream and snapshot bucket. */
    public Store getStore() {
        return store;
    }

    /** The command-id index. */
    public CommandIndex getCommandIndex() {
        return commandIndex;
    }

    /** The command runtime. */
    public Runtime getRuntime() {
        return runtime;
    }

    /** The projection runners. */
    public Projections getProjections() {
        return projections;
    }

    /** Trace propagation through events. */
    public Tracing getTracing() {
        return tracing;
    }

    /** {@code verdict.nats.*}: how the starter connects when the application has no {@code Connection} bean. */
    public static class Nats {
        /** Server URLs, comma-separated. */
        private String url = "nats://127.0.0.1:4222";

        /** The connection's name as the server shows it (monitoring, {@code nats server report connections}). */
        private String connectionName = "verdict";

        /** User name (with {@code password}); leave empty for none. */
        private String username = "";

        /** Password of {@code username}. */
        private String password = "";

        /** Authentication token; leave empty for none. */
        private String token = "";

        /** Path of a credentials file (JWT and NKey seed); leave empty for none. */
        private String credentials = "";

        /** How long to wait for the first connection. */
        private Duration connectionTimeout = Duration.ofSeconds(5);

        /** Wait between reconnect attempts. */
        private Duration reconnectWait = Duration.ofSeconds(1);

        /** Reconnect attempts after a lost connection; -1 = forever (recommended for a service). */
        private int maxReconnects = -1;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getConnectionName() {
            return connectionName;
        }

        public void setConnectionName(String connectionName) {
            this.connectionName = connectionName;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }

        public String getCredentials() {
            return credentials;
        }

        public void setCredentials(String credentials) {
            this.credentials = credentials;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }

        public Duration getReconnectWait() {
            return reconnectWait;
        }

        public void setReconnectWait(Duration reconnectWait) {
            this.reconnectWait = reconnectWait;
        }

        public int getMaxReconnects() {
            return maxReconnects;
        }

        public void setMaxReconnects(int maxReconnects) {
            this.maxReconnects = maxReconnects;
        }
    }

    /** {@code verdict.store.*}: the store's stream and snapshot bucket ({@code NatsEventStoreConfig}). */
    public static class Store {
        /** The store's name: the stream's name and the first token of every event subject. Required. */
        private String name = "";

        /** Replicas of the stream (1, 3 or 5); the snapshot and command-id buckets follow unless set. */
        private int replicas = 1;

        /** How long the server remembers message ids to deduplicate re-sent commands. */
        private Duration duplicateWindow = Duration.ofMinutes(2);

        /** Whether to create the stream and buckets when missing; when false they must exist. */
        private boolean provision = true;

        /** Whether the stream refuses to delete single messages. */
        private boolean denyDelete = true;

        /** Whether the stream refuses purges. */
        private boolean denyPurge = true;

        /** Timeout of every request to the server. */
        private Duration requestTimeout = Duration.ofSeconds(5);

        /** Whether the runtime reads and writes snapshots (in the KV bucket {@code <store>-snapshots}). */
        private boolean snapshots = true;

        /**
         * Whether the start-up check compares the event schemas with the ones published in the KV bucket {@code
         * <store>-schemas}, refuses an incompatible change and publishes them (see docs/evolution.md).
         */
        private boolean schemas = true;

        /** Replicas of the snapshot bucket; 0 = the stream's. */
        private int snapshotReplicas = 0;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getReplicas() {
            return replicas;
        }

        public void setReplicas(int replicas) {
            this.replicas = replicas;
        }

        public Duration getDuplicateWindow() {
            return duplicateWindow;
        }

        public void setDuplicateWindow(Duration duplicateWindow) {
            this.duplicateWindow = duplicateWindow;
        }

        public boolean isProvision() {
            return provision;
        }

        public void setProvision(boolean provision) {
            this.provision = provision;
        }

        public boolean isDenyDelete() {
            return denyDelete;
        }

        public void setDenyDelete(boolean denyDelete) {
            this.denyDelete = denyDelete;
        }

        public boolean isDenyPurge() {
            return denyPurge;
        }

        public void setDenyPurge(boolean denyPurge) {
            this.denyPurge = denyPurge;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        public boolean isSchemas() {
            return schemas;
        }

        public void setSchemas(boolean schemas) {
            this.schemas = schemas;
        }

        public boolean isSnapshots() {
            return snapshots;
        }

        public void setSnapshots(boolean snapshots) {
            this.snapshots = snapshots;
        }

        public int getSnapshotReplicas() {
            return snapshotReplicas;
        }

        public void setSnapshotReplicas(int snapshotReplicas) {
            this.snapshotReplicas = snapshotReplicas;
        }
    }

    /**
     * {@code verdict.command-index.*}: the command-id index ({@code NatsCommandIndex}), on by default – a command
     * re-sent after the server's duplicate window must not be stored twice.
     */
    public static class CommandIndex {
        /**
         * Whether commands are looked up in and recorded to the command-id index, so a command re-sent after the
         * duplicate window is answered with its original outcome (costs a lookup per command whose id the caller
         * chose, and a KV write per command).
         */
        private boolean enabled = true;

        /** How long the index remembers a command's outcome. */
        private Duration retention = Duration.ofDays(7);

        /** Replicas of the index bucket; 0 = the stream's. */
        private int replicas = 0;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getRetention() {
            return retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }

        public int getReplicas() {
            return replicas;
        }

        public void setReplicas(int replicas) {
            this.replicas = replicas;
        }
    }

    /** {@code verdict.runtime.*}: the command runtime. */
    public static class Runtime {
        /** Whether the runtime caches entity states (decides without a read on the hot path). */
        private boolean cache = true;

        /** Most entities the state cache holds. */
        private long cacheSize = 10_000;

        /** Threads of the runtime's own executor for {@code handleAsync}. */
        private int asyncThreads = 16;

        /** Most appends of one command when it conflicts with other writers. */
        private int maxAttempts = dev.verdict.runtime.ConflictRetryPolicy.DEFAULT_MAX_ATTEMPTS;

        public boolean isCache() {
            return cache;
        }

        public void setCache(boolean cache) {
            this.cache = cache;
        }

        public long getCacheSize() {
            return cacheSize;
        }

        public void setCacheSize(long cacheSize) {
            this.cacheSize = cacheSize;
        }

        public int getAsyncThreads() {
            return asyncThreads;
        }

        public void setAsyncThreads(int asyncThreads) {
            this.asyncThreads = asyncThreads;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }

    /** {@code verdict.projections.*}: the projection runners. */
    public static class Projections {
        /** Whether the runners start with the application context (they always stop with it). */
        private boolean autoStartup = true;

        public boolean isAutoStartup() {
            return autoStartup;
        }

        public void setAutoStartup(boolean autoStartup) {
            this.autoStartup = autoStartup;
        }
    }

    /** {@code verdict.tracing.*}: trace propagation through events (needs an {@code ObservationRegistry}). */
    public static class Tracing {
        /** Whether projections continue the trace of the command that appended each event. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
