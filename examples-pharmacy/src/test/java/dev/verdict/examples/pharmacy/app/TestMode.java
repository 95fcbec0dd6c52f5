package dev.verdict.examples.pharmacy.app;

import dev.verdict.store.EntityRef;
import dev.verdict.store.ShardPlacement;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The layout the pharmacy's tests run the app in, from the system property {@code pharmacy.test.mode}:
 *
 * <ul>
 *   <li>{@code unsharded} (the default): one stream {@code pharmacy}, commands decided where they arrive – the
 *       settings' defaults;
 *   <li>{@code sharded-routed}: {@code STORE_SHARDS=4} and {@code COMMAND_ROUTING=owner} – the store over the streams
 *       {@code pharmacy-0} … {@code pharmacy-3}, every API command decided by its entity's owner.
 * </ul>
 *
 * <p>Registered for every test class of the module (JUnit's extension auto-detection, {@code
 * junit-platform.properties}): before a class runs, it sets {@code STORE_SHARDS} and {@code COMMAND_ROUTING} as
 * system properties, which the app reads through Spring's environment; {@link #environment()} gives them to apps
 * started as processes. The helpers find an entity's stream in either layout, so tests that look at what is stored
 * work in both.
 */
public final class TestMode implements BeforeAllCallback {
    /** The system property naming the mode. */
    public static final String PROPERTY = "pharmacy.test.mode";

    /** The shards of the sharded mode. */
    static final int SHARDS = 4;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shardedRouted()) { // unsharded: nothing set, the app's defaults as always
            environment().forEach(System::setProperty);
        }
    }

    /** Whether the tests run the sharded, owner-routed layout. */
    static boolean shardedRouted() {
        String mode = System.getProperty(PROPERTY, "unsharded").trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "", "unsharded" -> false;
            case "sharded-routed" -> true;
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + " must be 'unsharded' or 'sharded-routed', was '" + mode + "'");
        };
    }

    /** The app's settings of the mode, as environment variables ({@code STORE_SHARDS}, {@code COMMAND_ROUTING}). */
    static Map<String, String> environment() {
        return shardedRouted()
                ? Map.of(StoreShards.SETTING, String.valueOf(SHARDS), "COMMAND_ROUTING", "owner")
                : Map.of(StoreShards.SETTING, "1", "COMMAND_ROUTING", "off");
    }

    /** The event streams of store {@code pharmacy}: {@code pharmacy}, or {@code pharmacy-0} … {@code pharmacy-3}. */
    static List<String> streams() {
        if (!shardedRouted()) {
            return List.of("pharmacy");
        }
        List<String> streams = new ArrayList<>();
        for (int k = 0; k < SHARDS; k++) {
            streams.add("pharmacy-" + k);
        }
        return streams;
    }

    /**
     * The stream holding the entity's events and their subject's prefix: the one stream, or the shard whose stream
     * has a message on {@code <shard>.<category>.<id>}; empty when no stream has one.
     */
    static Optional<String> streamOf(Connection nc, String category, String id) throws IOException {
        for (String stream : streams()) {
            try {
                MessageInfo last = nc.jetStreamManagement().getLastMessage(stream, subject(stream, category, id));
                if (last != null) {
                    return Optional.of(stream);
                }
            } catch (JetStreamApiException noMessage) {
                // not on this stream
            }
        }
        return Optional.empty();
    }

    /** The entity's subject on a stream: {@code <stream>.<category>.<id>}. */
    static String subject(String stream, String category, String id) {
        return stream + "." + category + "." + id;
    }

    /**
     * The names of a projection or process named {@code name} on an unsharded store: {@code name}, or one per shard,
     * {@code <name>-<k>}.
     */
    static List<String> perShard(String name) {
        return shardedRouted()
                ? java.util.stream.IntStream.range(0, SHARDS)
                        .mapToObj(k -> name + "-" + k)
                        .toList()
                : List.of(name);
    }

    /**
     * What the mode appends to the name of a projection (or a read-model table, with {@code _}) for the shard holding
     * {@code category/id} placed by itself (a drug's stock, and with it its prescriptions): nothing when unsharded,
     * {@code -<k>} when sharded.
     */
    static String suffixOf(String category, String id) {
        return shardedRouted() ? "-" + ShardPlacement.byEntity().shardOf(EntityRef.of(category, id), SHARDS) : "";
    }

    /** The KV bucket of the snapshots on a stream's store: {@code <stream>-snapshots}. */
    static String snapshotBucket(String stream) {
        return stream + "-snapshots";
    }
}
