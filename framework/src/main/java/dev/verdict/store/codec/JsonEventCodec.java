package dev.verdict.store.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Stores events – records of a sealed interface – as JSON with Jackson: the payload is the record's JSON, the type
 * name and schema version travel next to it (in NATS headers), so the payload stays plain JSON any client can read.
 *
 * <p>Guarantees: every type is checked when the codec is built ({@link EventTypeRegistry}); upcasters form, per
 * type, a gap-free chain up to the type's current version (checked when built); {@link #decode} applies them on the
 * JSON tree and always returns the current shape; an unknown type, a schema version newer than the code's, a version
 * with no upcaster path, or a payload that is not valid JSON for the record throws {@link IllegalArgumentException}
 * with the reason (stores wrap it in {@code EventDecodingFailed} with stream, subject and sequence).
 *
 * <pre>{@code
 * sealed interface PrescriptionEvent permits Ordered, Dispensed {}
 * @EventType(value = "PrescriptionOrdered", version = 2) record Ordered(String drug, int quantity) implements PrescriptionEvent {}
 * record Dispensed(int quantity) implements PrescriptionEvent {}
 *
 * EventCodec<PrescriptionEvent> codec = JsonEventCodec.builder(PrescriptionEvent.class)
 *         .upcaster(Upcaster.of("PrescriptionOrdered", 1, json -> json.put("quantity", 1)))
 *         .build();
 * EncodedEvent e = codec.encode(new Dispensed(2));   // type "Dispensed", version 1, {"quantity":2}
 * }</pre>
 *
 * @param <E> the root event type
 */
public final class JsonEventCodec<E> implements EventCodec<E> {
    private final EventTypeRegistry<E> registry;
    private final ObjectMapper mapper;
    /** One writer per event class, its serializer resolved once (the mapper would look it up on every call). */
    private final ClassValue<ObjectWriter> writers = new ClassValue<>() {
        @Override
        protected ObjectWriter computeValue(Class<?> type) {
            return mapper.writerFor(type);
        }
    };
    /** type name -> (fromVersion -> upcaster). */
    private final Map<String, Map<Integer, Upcaster>> upcasters;

    private JsonEventCodec(EventTypeRegistry<E> registry, ObjectMapper mapper, List<Upcaster> upcasterList) {
        this.registry = registry;
        this.mapper = mapper;
        this.upcasters = chain(registry, upcasterList);
    }

    /** The codec of a sealed root's records with the default mapper and no upcasters. */
    public static <E> JsonEventCodec<E> of(Class<E> sealedRoot) {
        return builder(sealedRoot).build();
    }

    /** A builder starting from a root type (sealed, or listed explicitly via {@link Builder#types}). */
    public static <E> Builder<E> builder(Class<E> root) {
        return new Builder<>(root);
    }

    /** The registry of type names this codec uses. */
    public EventTypeRegistry<E> registry() {
        return registry;
    }

    @Override
    public EncodedEvent encode(E event) {
        Objects.requireNonNull(event, "event");
        EventTypeRegistry.Registration<E> r = registry.registrationOf(event.getClass());
        try {
            return new EncodedEvent(
                    r.name(), r.version(), writers.get(event.getClass()).writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + r.name() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public E decode(EncodedEvent encoded) {
        EventTypeRegistry.Registration<E> r = registry.registrationNamed(encoded.type())
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + encoded.type()
                        + "'; this codec knows " + new TreeMap<>(namesByVersion())));
        int stored = encoded.schemaVersion();
        if (stored > r.version()) {
            throw new IllegalArgumentException("'" + encoded.type() + "' has schema version " + stored
                    + ", newer than the current version " + r.version() + " of "
                    + r.type().getName()
                    + " (written by newer code?)");
        }
        if (stored == r.version() && startsWithObject(encoded.payload())) {
            // the current shape, nothing to upcast: bind the bytes directly, without building a tree first (this is
            // the hot path of every load and every projection; the tree costs about as much again)
            try {
                return mapper.readValue(encoded.payload(), r.type());
            } catch (StreamReadException e) {
                throw new IllegalArgumentException("payload is not valid JSON: " + e.getOriginalMessage(), e);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "payload does not fit " + r.type().getName() + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
            }
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(encoded.payload());
        } catch (IOException e) {
            throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode json)) {
            throw new IllegalArgumentException("payload is not a JSON object but " + describe(tree));
        }
        ObjectNode current = json;
        for (int v = stored; v < r.version(); v++) {
            Upcaster upcaster = upcasters.getOrDefault(r.name(), Map.of()).get(v);
            if (upcaster == null) {
                throw new IllegalArgumentException("no upcaster for '" + r.name() + "' from schema version " + v
                        + " (current version " + r.version() + ")");
            }
            try {
                current = upcaster.apply(current);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "the upcaster of '" + r.name() + "' from version " + v + " failed: " + e.getMessage(), e);
            }
        }
        try {
            return mapper.treeToValue(current, r.type());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "payload does not fit " + r.type().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Whether the first non-blank byte is {@code '{'}: anything else takes the tree path and its precise errors. */
    private static boolean startsWithObject(byte[] payload) {
        for (byte b : payload) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    private Map<String, Integer> namesByVersion() {
        Map<String, Integer> names = new HashMap<>();
        for (String name : registry.names()) {
            names.put(name, registry.registrationNamed(name).orElseThrow().version());
        }
        return names;
    }

    private static String describe(JsonNode tree) {
        return tree == null || tree.isMissingNode()
                ? "empty"
                : tree.getNodeType().toString().toLowerCase();
    }

    private static <E> Map<String, Map<Integer, Upcaster>> chain(EventTypeRegistry<E> registry, List<Upcaster> list) {
        Map<String, Map<Integer, Upcaster>> byType = new HashMap<>();
        for (Upcaster u : list) {
            EventTypeRegistry.Registration<E> r = registry.registrationNamed(u.type())
                    .orElseThrow(() -> new IllegalArgumentException(
                            "upcaster for unknown event type '" + u.type() + "'; known: " + registry.names()));
            if (u.fromVersion() >= r.version()) {
                throw new IllegalArgumentException("upcaster of '" + u.type() + "' from version " + u.fromVersion()
                        + " is useless: the current version of " + r.type().getName() + " is " + r.version());
            }
            Upcaster clash =
                    byType.computeIfAbsent(r.name(), k -> new HashMap<>()).putIfAbsent(u.fromVersion(), u);
            if (clash != null) {
                throw new IllegalArgumentException(
                        "two upcasters of '" + r.name() + "' from version " + u.fromVersion());
            }
        }
        byType.forEach((name, steps) -> {
            int current = registry.registrationNamed(name).orElseThrow().version();
            int lowest =
                    steps.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
            for (int v = lowest; v < current; v++) {
                if (!steps.containsKey(v)) {
                    throw new IllegalArgumentException("the upcasters of '" + name + "' have a gap: from version "
                            + lowest + " to " + current + " there is none from version " + v);
                }
            }
        });
        return byType;
    }

    /** Builds a {@link JsonEventCodec}. */
    public static final class Builder<E> {
        private final EventTypeRegistry.Builder<E> types;
        private final List<Upcaster> upcasters = new ArrayList<>();
        private ObjectMapper mapper;
        private EventTypeRegistry<E> registry;

        private Builder(Class<E> root) {
            this.types = EventTypeRegistry.builder(root);
        }

        /** Uses a ready registry instead of the root's default one (ignores {@link #types}). */
        public Builder<E> registry(EventTypeRegistry<E> registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Registers event records explicitly, by their {@link EventType} name or simple name. */
        @SafeVarargs
        public final Builder<E> types(Class<? extends E>... eventTypes) {
            for (Class<? extends E> t : eventTypes) {
                types.register(t);
            }
            return this;
        }

        /** Registers an event record under an explicit name and schema version. */
        public Builder<E> type(Class<? extends E> eventType, String name, int version) {
            types.register(eventType, name, version);
            return this;
        }

        /** Reads events stored under an older name as the given type. */
        public Builder<E> alias(String oldName, Class<? extends E> eventType) {
            types.alias(oldName, eventType);
            return this;
        }

        /** Adds an upcaster; per type they must form a gap-free chain up to the current version. */
        public Builder<E> upcaster(Upcaster upcaster) {
            upcasters.add(Objects.requireNonNull(upcaster, "upcaster"));
            return this;
        }

        /** Uses this mapper instead of {@link VerdictObjectMapper#create()}. */
        public Builder<E> mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** @throws IllegalArgumentException on any inconsistency of types, names or upcasters */
        public JsonEventCodec<E> build() {
            EventTypeRegistry<E> r = registry != null ? registry : types.build();
            return new JsonEventCodec<>(r, mapper != null ? mapper : VerdictObjectMapper.create(), upcasters);
        }
    }
}
