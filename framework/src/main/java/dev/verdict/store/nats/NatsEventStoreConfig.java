package dev.verdict.store.nats;

import dev.verdict.store.StoreName;
import java.time.Duration;
import org.immutables.value.Value;

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
 */
@Value.Immutable
@Value.Style(visibility = Value.Style.ImplementationVisibility.PACKAGE, overshadowImplementation = true)
public abstract class NatsEventStoreConfig {

    /** A new builder; {@code storeName} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration of a store with all defaults. */
    public static NatsEventStoreConfig of(String storeName) {
        return builder().storeName(StoreName.of(storeName)).build();
    }

    /** The builder of {@link NatsEventStoreConfig}. */
    public static final class Builder extends ImmutableNatsEventStoreConfig.Builder {}

    /** Stream name and first subject token of every event. */
    public abstract StoreName storeName();

    /** Stream replicas (1, 3 or 5 in a cluster). */
    @Value.Default
    public int replicas() {
        return 1;
    }

    /** How long the server remembers message ids to deduplicate re-sent commands. */
    @Value.Default
    public Duration duplicateWindow() {
        return Duration.ofMinutes(2);
    }

    /** Whether the stream refuses to delete single messages. */
    @Value.Default
    public boolean denyDelete() {
        return true;
    }

    /** Whether the stream refuses purges. */
    @Value.Default
    public boolean denyPurge() {
        return true;
    }

    /** Whether to create the stream and bucket when missing; when {@code false} they must exist already. */
    @Value.Default
    public boolean provision() {
        return true;
    }

    /** Timeout of every request to the server (publish acknowledgements, reads, management). */
    @Value.Default
    public Duration requestTimeout() {
        return Duration.ofSeconds(5);
    }

    /** Name of the KV bucket for snapshots. */
    @Value.Default
    public String snapshotBucket() {
        return storeName().value() + "-snapshots";
    }

    /** Replicas of the snapshot bucket. */
    @Value.Default
    public int snapshotReplicas() {
        return replicas();
    }

    /** Largest snapshot value in bytes; larger snapshots are not saved (logged and counted). -1 = server limit. */
    @Value.Default
    public int snapshotMaxValueSize() {
        return -1;
    }

    /** Name of the KV bucket of the command-id index ({@link NatsCommandIndex}). */
    @Value.Default
    public String commandBucket() {
        return storeName().value() + "-commands";
    }

    /**
     * How long the command-id index remembers a command's outcome (the bucket's max age): a command re-sent within it
     * is answered with its original outcome and never stored twice. Default 7 days.
     */
    @Value.Default
    public Duration commandRetention() {
        return Duration.ofDays(7);
    }

    /** Replicas of the command-id index bucket; the stream's by default. */
    @Value.Default
    public int commandReplicas() {
        return replicas();
    }

    @Value.Check
    protected void check() {
        if (replicas() < 1 || replicas() > 5) {
            throw new IllegalArgumentException("replicas must be 1..5, was " + replicas());
        }
        if (snapshotReplicas() < 1 || snapshotReplicas() > 5) {
            throw new IllegalArgumentException("snapshotReplicas must be 1..5, was " + snapshotReplicas());
        }
        if (duplicateWindow().isNegative() || duplicateWindow().isZero()) {
            throw new IllegalArgumentException("duplicateWindow must be positive, was " + duplicateWindow());
        }
        if (requestTimeout().isNegative() || requestTimeout().isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout());
        }
        if (commandReplicas() < 1 || commandReplicas() > 5) {
            throw new IllegalArgumentException("commandReplicas must be 1..5, was " + commandReplicas());
        }
        if (commandRetention().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("commandRetention must be at least 1 s, was " + commandRetention());
        }
        if (!commandBucket().matches("[A-Za-z0-9_-]{1,200}")) {
            throw new IllegalArgumentException(
                    "commandBucket '" + commandBucket() + "' may contain only letters, digits, '-' and '_'");
        }
        if (!snapshotBucket().matches("[A-Za-z0-9_-]{1,200}")) {
            throw new IllegalArgumentException(
                    "snapshotBucket '" + snapshotBucket() + "' may contain only letters, digits, '-' and '_'");
        }
    }
}
