package dev.verdict.store.nats;

import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or verifies the streams of a sharded store. Every shard stream records the layout in its metadata ({@code
 * verdict.shards}, {@code verdict.shard}, {@code verdict.placement}); opening with another shard count or placement,
 * beside a plain stream of the store's name, or with shards missing from a store whose shard 0 exists is refused
 * with {@link StoreMisconfigured}. Shard 0 is created last, so a store whose shard 0 exists was created whole, and an
 * interrupted creation is completed by the next opener (creating a stream with identical settings is idempotent).
 */
final class ShardStreams {
    private static final Logger LOG = LoggerFactory.getLogger(ShardStreams.class);

    static final String SHARDS = "verdict.shards";
    static final String SHARD = "verdict.shard";
    static final String PLACEMENT = "verdict.placement";

    /** The layout every shard stream must record. */
    record Layout(String store, int shards, String placement, IntFunction<List<String>> tags) {
        String streamOf(int shard) {
            return store + "-" + shard;
        }

        Map<String, String> metadataOf(int shard) {
            return Map.of(SHARDS, Integer.toString(shards), SHARD, Integer.toString(shard), PLACEMENT, placement);
        }

        String describe() {
            return shards + " shards, placement '" + placement + "'";
        }
    }

    private ShardStreams() {}

    /** The stream a shard is provisioned with: the store's usual stream, plus the layout and placement tags. */
    static StreamConfiguration desired(NatsEventStoreConfig shardConfig, Layout layout, int shard) {
        StreamConfiguration.Builder b = StreamConfiguration.builder(StreamProvisioning.desired(shardConfig))
                .metadata(layout.metadataOf(shard));
        List<String> tags = layout.tags().apply(shard);
        if (!tags.isEmpty()) {
            b.placement(Placement.builder().tags(tags).build());
        }
        return b.build();
    }

    /**
     * Verifies the layout of the store's shard streams, creating them (shard 0 last) when the store does not exist
     * yet and provisioning is on.
     *
     * @param shardConfigs the configuration of each shard's store, by shard
     */
    static void ensure(
            Connection connection, boolean provision, List<NatsEventStoreConfig> shardConfigs, Layout layout) {
        StreamProvisioning.requireServerVersion(connection);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            if (find(jsm, layout.store()) != null) {
                throw new StoreMisconfigured("a plain stream '" + layout.store() + "' exists: store '" + layout.store()
                        + "' was created unsharded, and a sharded store never writes to it (its shards are the"
                        + " streams '"
                        + layout.streamOf(0) + "' .. '" + layout.streamOf(layout.shards() - 1)
                        + "'). Open it unsharded, or give the sharded store another name.");
            }
            StreamInfo[] found = new StreamInfo[layout.shards()];
            List<String> differences = new ArrayList<>();
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < layout.shards(); k++) {
                found[k] = find(jsm, layout.streamOf(k));
                if (found[k] == null) {
                    missing.add(k);
                } else {
                    differences.addAll(differences(found[k].getConfiguration(), layout, k));
                }
            }
            requireNoDifferences(differences, layout);
            if (missing.isEmpty()) {
                return;
            }
            List<String> names = missing.stream().map(layout::streamOf).toList();
            if (found[0] != null) {
                throw new StoreMisconfigured("store '" + layout.store() + "' (" + layout.describe()
                        + ") misses the shard streams " + names + " although its shard 0 exists, so it was created"
                        + " whole: a shard stream was deleted. Verdict never recreates one (its events would be gone);"
                        + " restore it from a backup.");
            }
            if (!provision) {
                throw new StoreMisconfigured("the shard streams " + names + " of store '" + layout.store()
                        + "' do not exist and provisioning is switched off (NatsEventStoreConfig.provision)");
            }
            for (int i = missing.size() - 1; i >= 0; i--) {
                int k = missing.get(i);
                create(jsm, desired(shardConfigs.get(k), layout, k), layout, k);
            }
        } catch (IOException e) {
            throw new EventStoreUnavailable(
                    "cannot provision the shards of store '" + layout.store() + "': " + e.getMessage(), e);
        }
    }

    private static void create(JetStreamManagement jsm, StreamConfiguration desired, Layout layout, int shard)
            throws IOException {
        String name = desired.getName();
        try {
            jsm.addStream(desired);
            LOG.info(
                    "created stream '{}', shard {} of store '{}' ({})", name, shard, layout.store(), layout.describe());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NAME_IN_USE) {
                throw new StoreMisconfigured("cannot create stream '" + name + "': " + e.getErrorDescription(), e);
            }
            StreamInfo existing = find(jsm, name); // created concurrently by another instance
            if (existing == null) {
                throw new StoreMisconfigured("stream '" + name + "' is reported in use but cannot be found", e);
            }
            requireNoDifferences(differences(existing.getConfiguration(), layout, shard), layout);
        }
    }

    /** What in a shard stream's metadata differs from the layout, one sentence each. */
    static List<String> differences(StreamConfiguration actual, Layout layout, int shard) {
        Map<String, String> metadata = actual.getMetadata() == null ? Map.of() : actual.getMetadata();
        List<String> diffs = new ArrayList<>();
        String stream = layout.streamOf(shard);
        if (!metadata.containsKey(SHARDS)) {
            diffs.add("stream '" + stream + "' is not a shard stream (no " + SHARDS + " in its metadata)");
            return diffs;
        }
        layout.metadataOf(shard).forEach((key, expected) -> {
            String value = metadata.get(key);
            if (!Objects.equals(expected, value)) {
                diffs.add("stream '" + stream + "' has " + key + "=" + value + " but this store expects " + expected);
            }
        });
        return diffs;
    }

    private static void requireNoDifferences(List<String> differences, Layout layout) {
        if (!differences.isEmpty()) {
            throw new StoreMisconfigured("store '" + layout.store() + "' exists with another shard layout than this"
                    + " one (" + layout.describe() + "): " + String.join("; ", differences)
                    + ". The shard count and placement are fixed when a sharded store is created: open it with the"
                    + " layout its streams record.");
        }
    }

    private static StreamInfo find(JetStreamManagement jsm, String name) throws IOException {
        try {
            return jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return null;
            }
            throw new StoreMisconfigured("cannot read stream '" + name + "': " + e.getErrorDescription(), e);
        }
    }
}
