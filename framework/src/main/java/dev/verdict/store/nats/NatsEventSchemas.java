package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.Category;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.codec.EventSchemas;
import dev.verdict.store.codec.EventTypeRegistry;
import dev.verdict.store.codec.IncompatibleEventSchemas;
import dev.verdict.store.codec.JsonEventCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON Schemas of a store's event types in a NATS KV bucket ({@code <store>-schemas}), one key per category, type
 * and version: {@code <category>.<type>.v<version>}, the value the schema of {@link EventSchemas} (a type name with
 * characters a key cannot hold is written {@code b64_} + its unpadded base64url). Readers in other languages find
 * there how to decode each stored payload.
 *
 * <p>{@link #verifyAndPublish} is the start-up check: it compares the code's schemas with the published ones and
 * throws {@link IncompatibleEventSchemas} – before the code writes anything – when the code cannot read what the
 * published schemas say is stored: a field of a published version changed (removed, added as required, made
 * required, of another JSON type) without a new version; a published version with no upcaster path to the code's
 * version; a published type the code does not know (no alias, no {@code EventUpcaster}). Each problem names the
 * category, the type and, where there is one, the field. Otherwise it publishes the code's schemas (a version the
 * code is behind of is only logged: a rolled-back instance reads nothing newer than its code knows only if it is never
 * given such events).
 *
 * <pre>{@code
 * NatsEventSchemas schemas = NatsEventSchemas.create(nc, NatsEventStoreConfig.of("pharmacy"));
 * schemas.verifyAndPublish(Category.of("inventory"), InventoryEvents.CODEC);
 * }</pre>
 */
public final class NatsEventSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(NatsEventSchemas.class);
    private static final Pattern PLAIN = Pattern.compile("[-_A-Za-z0-9]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyValue kv;
    private final String bucket;

    private NatsEventSchemas(KeyValue kv, String bucket) {
        this.kv = kv;
        this.bucket = bucket;
    }

    /**
     * Opens (or creates, with the store's snapshot replicas) the bucket {@code <store>-schemas}.
     *
     * @throws dev.verdict.store.StoreMisconfigured when it is missing and provisioning is off
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public static NatsEventSchemas create(Connection connection, NatsEventStoreConfig config) {
        Objects.requireNonNull(connection, "connection");
        String bucket = config.storeName().value() + "-schemas";
        StreamProvisioning.ensureBucket(
                connection,
                config,
                "schema bucket",
                KeyValueConfiguration.builder()
                        .name(bucket)
                        .description("Verdict event schemas of store " + config.storeName())
                        .storageType(StorageType.File)
                        .maxHistoryPerKey(1)
                        .replicas(config.snapshotReplicas())
                        .build());
        try {
            return new NatsEventSchemas(connection.keyValue(bucket), bucket);
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot open schema bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /**
     * Checks the codec against the published schemas of the category, then publishes its schemas.
     *
     * @throws IncompatibleEventSchemas naming category, type and field of every problem (nothing is published then)
     */
    public <E> void verifyAndPublish(Category category, JsonEventCodec<E> codec) {
        List<String> problems = problems(category, codec);
        if (!problems.isEmpty()) {
            throw new IncompatibleEventSchemas(problems);
        }
        publish(category, codec);
    }

    /** What {@link #verifyAndPublish} would refuse, one line per problem; empty when the codec is compatible. */
    public <E> List<String> problems(Category category, JsonEventCodec<E> codec) {
        Map<String, Map<Integer, JsonNode>> published = published(category);
        Map<String, ObjectNode> current = EventSchemas.of(codec);
        List<String> problems = new ArrayList<>();
        String prefix = "category '" + category.value() + "', ";
        for (EventTypeRegistry.Registration<E> r : codec.registry().registrations()) {
            Map<Integer, JsonNode> versions = published.getOrDefault(r.name(), Map.of());
            JsonNode same = versions.get(r.version());
            if (same != null) {
                for (String p : EventSchemas.incompatibilities(r.name(), same, current.get(r.name()))) {
                    problems.add(prefix + p + " without a new version: raise @EventType(version = " + (r.version() + 1)
                            + ") and add an upcaster from " + r.version());
                }
            }
            for (int stored : versions.keySet()) {
                if (stored < r.version() && !codec.reads(r.name(), stored)) {
                    problems.add(prefix + "event type '" + r.name() + "': version " + stored
                            + " is published, the code is at version " + r.version()
                            + " and has no upcaster path from " + stored);
                } else if (stored > r.version()) {
                    LOG.warn(
                            "{}event type '{}': version {} is published, newer than this code's {}",
                            prefix,
                            r.name(),
                            stored,
                            r.version());
                }
            }
        }
        published.forEach((type, versions) -> {
            if (codec.registry().registrationNamed(type).isPresent()) {
                return;
            }
            for (int stored : versions.keySet()) {
                if (!codec.reads(type, stored)) {
                    problems.add(prefix + "event type '" + type + "' version " + stored
                            + " is published, but this code cannot read it: register an alias or an EventUpcaster");
                }
            }
        });
        return problems;
    }

    /** Writes the codec's schemas at their current versions (older versions stay published). */
    public <E> void publish(Category category, JsonEventCodec<E> codec) {
        EventSchemas.of(codec).forEach((type, schema) -> {
            String key = key(category, type, schema.get("x-verdict-version").asInt());
            try {
                byte[] value = JSON.writeValueAsBytes(schema);
                KeyValueEntry existing = kv.get(key);
                if (existing == null || !JSON.readTree(existing.getValue()).equals(schema)) {
                    kv.put(key, value);
                }
            } catch (IOException | JetStreamApiException e) {
                throw new EventStoreUnavailable(
                        "cannot publish schema '" + key + "' to bucket '" + bucket + "': " + e.getMessage(), e);
            }
        });
    }

    /** The published schemas of the category: type name → version → schema. */
    public Map<String, Map<Integer, JsonNode>> published(Category category) {
        Map<String, Map<Integer, JsonNode>> out = new TreeMap<>();
        String prefix = category.value() + ".";
        try {
            List<String> keys;
            try {
                keys = kv.keys();
            } catch (IllegalStateException | JetStreamApiException e) {
                keys = List.of();
            }
            for (String key : keys) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                String rest = key.substring(prefix.length());
                int dot = rest.lastIndexOf(".v");
                if (dot < 0 || rest.substring(0, dot).contains(".")) {
                    continue; // another category whose name starts with this one's
                }
                KeyValueEntry entry = kv.get(key);
                if (entry == null || entry.getValue() == null) {
                    continue;
                }
                out.computeIfAbsent(typeOf(rest.substring(0, dot)), t -> new TreeMap<>())
                        .put(Integer.parseInt(rest.substring(dot + 2)), JSON.readTree(entry.getValue()));
            }
        } catch (IOException | InterruptedException | JetStreamApiException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new EventStoreUnavailable("cannot read schema bucket '" + bucket + "': " + e.getMessage(), e);
        }
        return out;
    }

    static String key(Category category, String type, int version) {
        String token = PLAIN.matcher(type).matches()
                ? type
                : "b64_"
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(type.getBytes(StandardCharsets.UTF_8));
        return category.value() + "." + token + ".v" + version;
    }

    private static String typeOf(String token) {
        return token.startsWith("b64_")
                ? new String(Base64.getUrlDecoder().decode(token.substring(4)), StandardCharsets.UTF_8)
                : token;
    }
}
