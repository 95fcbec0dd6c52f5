package dev.verdict.store.nats;

import dev.verdict.store.StoreName;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link NatsEventStore} lays out and provisions its stream and snapshot bucket. Immutable; build it once.
 *
 * <p>Defaults: 1 replica, a 2-minute duplicate window (the time within which a re-sent command is recognised by its
 * message ids), delete and purge denied (events are forever), snapshot bucket {@code <store>-snapshots} with one
 * revision per key, command-id index bucket {@code <store>-commands} keeping each command's outcome for 7 days, 5 s
 * request timeout.
 *
 * <pre>{@code
 * NatsEventStoreConfig config = NatsEventStoreConfig.builder()
 *         .storeName(StoreName.of("pharmacy"))
 *         .replicas(3)
 *         .duplicateWindow(Duration.ofMinutes(10))
 *         .build();
 * }</pre>
 *
 * <p>Two configurations are equal when all their settings are. {@link Builder#build()} checks every setting and
 * throws {@link IllegalArgumentException} for an impossible one (replicas outside 1..5, a duration that is not
 * positive, a bucket name with characters NATS does not allow) and {@link IllegalStateException} when the store name
 * is missing.
 */
public final class NatsEventStoreConfig {
    private final StoreName storeName;
    private final int replicas;
    private final Duration duplicateWindow;
    private final boolean denyDelete;
    private final boolean denyPurge;
    private final boolean provision;
    private final Duration requestTimeout;
    private final String snapshotBucket;
    private final int snapshotReplicas;
    private final int snapshotMaxValueSize;
    private final String commandBucket;
    private final Duration commandRetention;
    private final int commandReplicas;

    private NatsEventStoreConfig(Builder b) {
        this.storeName = b.storeName;
        this.replicas = b.replicas.orElse(1);
        this.duplicateWindow = b.duplicateWindow.orElse(Duration.ofMinutes(2));
        this.denyDelete = b.denyDelete.orElse(true);
        this.denyPurge = b.denyPurge.orElse(true);
        this.provision = b.provision.orElse(true);
        this.requestTimeout = b.requestTimeout.orElse(Duration.ofSeconds(5));
        this.snapshotBucket = b.snapshotBucket.orElse(storeName.value() + "-snapshots");
        this.snapshotReplicas = b.snapshotReplicas.orElse(replicas);
        this.snapshotMaxValueSize = b.snapshotMaxValueSize.orElse(-1);
        this.commandBucket = b.commandBucket.orElse(storeName.value() + "-commands");
        this.commandRetention = b.commandRetention.orElse(Duration.ofDays(7));
        this.commandReplicas = b.commandReplicas.orElse(replicas);
        check();
    }

    /** A new builder; {@code storeName} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration of a store with all defaults. */
    public static NatsEventStoreConfig of(String storeName) {
        return builder().storeName(StoreName.of(storeName)).build();
    }

    /** Stream name and first subject token of every event. */
    public StoreName storeName() {
        return storeName;
    }

    /** Stream replicas (1, 3 or 5 in a cluster); default 1. */
    public int replicas() {
        return replicas;
    }

    /** How long the server remembers message ids to deduplicate re-sent commands; default 2 minutes. */
    public Duration duplicateWindow() {
        return duplicateWindow;
    }

    /** Whether the stream refuses to delete single messages; default {@code true}. */
    public boolean denyDelete() {
        return denyDelete;
    }

    /** Whether the stream refuses purges; default {@code true}. */
    public boolean denyPurge() {
        return denyPurge;
    }

    /** Whether to create the stream and bucket when missing; when {@code false} they must exist already. */
    public boolean provision() {
        return provision;
    }

    /** Timeout of every request to the server (publish acknowledgements, reads, management); default 5 s. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Name of the KV bucket for snapshots; {@code <store>-snapshots} by default. */
    public String snapshotBucket() {
        return snapshotBucket;
    }

    /** Replicas of the snapshot bucket; the stream's by default. */
    public int snapshotReplicas() {
        return snapshotReplicas;
    }

    /** Largest snapshot value in bytes; larger snapshots are not saved (logged and counted). -1 = server limit. */
    public int snapshotMaxValueSize() {
        return snapshotMaxValueSize;
    }

    /** Name of the KV bucket of the command-id index ({@link NatsCommandIndex}); {@code <store>-commands} by default. */
    public String commandBucket() {
        return commandBucket;
    }

    /**
     * How long the command-id index remembers a command's outcome (the bucket's max age): a command re-sent within it
     * is answered with its original outcome and never stored twice. Default 7 days.
     */
    public Duration commandRetention() {
        return commandRetention;
    }

    /** Replicas of the command-id index bucket; the stream's by default. */
    public int commandReplicas() {
        return commandReplicas;
    }

    private void check() {
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas must be 1..5, was " + replicas);
        }
        if (snapshotReplicas < 1 || snapshotReplicas > 5) {
            throw new IllegalArgumentException("snapshotReplicas must be 1..5, was " + snapshotReplicas);
        }
        if (duplicateWindow.isNegative() || duplicateWindow.isZero()) {
            throw new IllegalArgumentException("duplicateWindow must be positive, was " + duplicateWindow);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
        if (commandReplicas < 1 || commandReplicas > 5) {
            throw new IllegalArgumentException("commandReplicas must be 1..5, was " + commandReplicas);
        }
        if (commandRetention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("commandRetention must be at least 1 s, was " + commandRetention);
        }
        if (!commandBucket.matches("[A-Za-z0-9_-]{1,200}")) {
            throw new IllegalArgumentException(
                    "commandBucket '" + commandBucket + "' may contain only letters, digits, '-' and '_'");
        }
        if (!snapshotBucket.matches("[A-Za-z0-9_-]{1,200}")) {
            throw new IllegalArgumentException(
                    "snapshotBucket '" + snapshotBucket + "' may contain only letters, digits, '-' and '_'");
        }
    }

    @Override
    public boolean equals(Object other) {
        return this == other
                || other instanceof NatsEventStoreConfig o
                        && storeName.equals(o.storeName)
                        && replicas == o.replicas
                        && duplicateWindow.equals(o.duplicateWindow)
                        && denyDelete == o.denyDelete
                        && denyPurge == o.denyPurge
                        && provision == o.provision
                        && requestTimeout.equals(o.requestTimeout)
                        && snapshotBucket.equals(o.snapshotBucket)
                        && snapshotReplicas == o.snapshotReplicas
                        && snapshotMaxValueSize == o.snapshotMaxValueSize
                        && commandBucket.equals(o.commandBucket)
                        && commandRetention.equals(o.commandRetention)
                        && commandReplicas == o.commandReplicas;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                storeName,
                replicas,
                duplicateWindow,
                denyDelete,
                denyPurge,
                provision,
                requestTimeout,
                snapshotBucket,
                snapshotReplicas,
                snapshotMaxValueSize,
                commandBucket,
                commandRetention,
                commandReplicas);
    }

    @Override
    public String toString() {
        return "NatsEventStoreConfig{storeName=" + storeName + ", replicas=" + replicas + ", duplicateWindow="
                + duplicateWindow + ", denyDelete=" + denyDelete + ", denyPurge=" + denyPurge + ", provision="
                + provision + ", requestTimeout=" + requestTimeout + ", snapshotBucket=" + snapshotBucket
                + ", snapshotReplicas=" + snapshotReplicas + ", snapshotMaxValueSize=" + snapshotMaxValueSize
                + ", commandBucket=" + commandBucket + ", commandRetention=" + commandRetention
                + ", commandReplicas=" + commandReplicas + "}";
    }

    /**
     * The builder of {@link NatsEventStoreConfig}: a setting not given keeps its default, and a default that follows
     * another setting (the bucket names follow the store name, the buckets' replicas the stream's) is derived when
     * {@link #build()} runs. Not thread-safe; use it where it is made.
     */
    public static final class Builder {
        private StoreName storeName;
        private Optional<Integer> replicas = Optional.empty();
        private Optional<Duration> duplicateWindow = Optional.empty();
        private Optional<Boolean> denyDelete = Optional.empty();
        private Optional<Boolean> denyPurge = Optional.empty();
        private Optional<Boolean> provision = Optional.empty();
        private Optional<Duration> requestTimeout = Optional.empty();
        private Optional<String> snapshotBucket = Optional.empty();
        private Optional<Integer> snapshotReplicas = Optional.empty();
        private Optional<Integer> snapshotMaxValueSize = Optional.empty();
        private Optional<String> commandBucket = Optional.empty();
        private Optional<Duration> commandRetention = Optional.empty();
        private Optional<Integer> commandReplicas = Optional.empty();

        /** An empty builder; the same as {@link NatsEventStoreConfig#builder()}. */
        public Builder() {}

        /** Takes every setting of {@code config}, including those it derived. */
        public Builder from(NatsEventStoreConfig config) {
            Objects.requireNonNull(config, "instance");
            return storeName(config.storeName())
                    .replicas(config.replicas())
                    .duplicateWindow(config.duplicateWindow())
                    .denyDelete(config.denyDelete())
                    .denyPurge(config.denyPurge())
                    .provision(config.provision())
                    .requestTimeout(config.requestTimeout())
                    .snapshotBucket(config.snapshotBucket())
                    .snapshotReplicas(config.snapshotReplicas())
                    .snapshotMaxValueSize(config.snapshotMaxValueSize())
                    .commandBucket(config.commandBucket())
                    .commandRetention(config.commandRetention())
                    .commandReplicas(config.commandReplicas());
        }

        /** See {@link NatsEventStoreConfig#storeName()}; required. */
        public Builder storeName(StoreName storeName) {
            this.storeName = Objects.requireNonNull(storeName, "storeName");
            return this;
        }

        /** See {@link NatsEventStoreConfig#replicas()}. */
        public Builder replicas(int replicas) {
            this.replicas = Optional.of(replicas);
            return this;
        }

        /** See {@link NatsEventStoreConfig#duplicateWindow()}. */
        public Builder duplicateWindow(Duration duplicateWindow) {
            this.duplicateWindow = Optional.of(Objects.requireNonNull(duplicateWindow, "duplicateWindow"));
            return this;
        }

        /** See {@link NatsEventStoreConfig#denyDelete()}. */
        public Builder denyDelete(boolean denyDelete) {
            this.denyDelete = Optional.of(denyDelete);
            return this;
        }

        /** See {@link NatsEventStoreConfig#denyPurge()}. */
        public Builder denyPurge(boolean denyPurge) {
            this.denyPurge = Optional.of(denyPurge);
            return this;
        }

        /** See {@link NatsEventStoreConfig#provision()}. */
        public Builder provision(boolean provision) {
            this.provision = Optional.of(provision);
            return this;
        }

        /** See {@link NatsEventStoreConfig#requestTimeout()}. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Optional.of(Objects.requireNonNull(requestTimeout, "requestTimeout"));
            return this;
        }

        /** See {@link NatsEventStoreConfig#snapshotBucket()}. */
        public Builder snapshotBucket(String snapshotBucket) {
            this.snapshotBucket = Optional.of(Objects.requireNonNull(snapshotBucket, "snapshotBucket"));
            return this;
        }

        /** See {@link NatsEventStoreConfig#snapshotReplicas()}. */
        public Builder snapshotReplicas(int snapshotReplicas) {
            this.snapshotReplicas = Optional.of(snapshotReplicas);
            return this;
        }

        /** See {@link NatsEventStoreConfig#snapshotMaxValueSize()}. */
        public Builder snapshotMaxValueSize(int snapshotMaxValueSize) {
            this.snapshotMaxValueSize = Optional.of(snapshotMaxValueSize);
            return this;
        }

        /** See {@link NatsEventStoreConfig#commandBucket()}. */
        public Builder commandBucket(String commandBucket) {
            this.commandBucket = Optional.of(Objects.requireNonNull(commandBucket, "commandBucket"));
            return this;
        }

        /** See {@link NatsEventStoreConfig#commandRetention()}. */
        public Builder commandRetention(Duration commandRetention) {
            this.commandRetention = Optional.of(Objects.requireNonNull(commandRetention, "commandRetention"));
            return this;
        }

        /** See {@link NatsEventStoreConfig#commandReplicas()}. */
        public Builder commandReplicas(int commandReplicas) {
            this.commandReplicas = Optional.of(commandReplicas);
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalStateException when no store name was given
         * @throws IllegalArgumentException when a setting is impossible (see {@link NatsEventStoreConfig})
         */
        public NatsEventStoreConfig build() {
            if (storeName == null) {
                throw new IllegalStateException(
                        "Cannot build NatsEventStoreConfig, some of required attributes are not set [storeName]");
            }
            return new NatsEventStoreConfig(this);
        }
    }
}
