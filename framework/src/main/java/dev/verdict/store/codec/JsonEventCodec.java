package dev.verdict.store.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores events – records of a sealed interface – as JSON with Jackson: the payload is the record's JSON, the type
 * name and schema version travel next to it (in NATS headers), so the payload stays plain JSON any client can read.
 *
 * <p>Guarantees: every type is checked when the codec is built ({@link EventTypeRegistry}); upcasters – 1:1
 * {@link Upcaster}s and {@link EventUpcaster}s that split, drop or retype – form, per type, a gap-free chain up to the
 * type's current version (checked when built); {@link #decodeAll} applies them on the JSON tree and always returns
 * current shapes (none, one or several events per stored event); {@link #decode} is its one-event form; an
 * unknown type, a schema version newer than the code's, a version
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

    private final UpcastChain<E> chain;
    /** One reader per event class for binding upcast trees, its deserializer resolved once (decode path). */
    private final ClassValue<ObjectReader> treeReaders = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type);
        }
    };

    private JsonEventCodec(
            EventTypeRegistry<E> registry, ObjectMapper mapper, List<Upcaster> upcasters, List<EventUpcaster> general) {
        this.registry = registry;
        this.mapper = mapper;
        this.chain = UpcastChain.of(registry, upcasters, general);
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

    /**
     * The event encoded as {@link #encode} encodes it, with one Jackson per-call attribute ({@link
     * ObjectWriter#withAttribute}) that the serializers of this call read through {@code
     * SerializerProvider.getAttribute(key)}: {@code PersonalDataCodec} seals personal data this way while the event
     * is written. Without a serializer that reads the attribute the payload is byte for byte {@link #encode}'s.
     *
     * @throws IllegalArgumentException as {@link #encode} – also when a serializer throws (the cause)
     */
    public EncodedEvent encodeWithAttribute(E event, Object key, Object value) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        EventTypeRegistry.Registration<E> r = registry.registrationOf(event.getClass());
        try {
            return new EncodedEvent(
                    r.name(),
                    r.version(),
                    writers.get(event.getClass()).withAttribute(key, value).writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + r.name() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The one current event a stored event stands for.
     *
     * @throws IllegalArgumentException as described in the class comment, and when upcasting splits or drops the
     *     stored event (read those with {@link #decodeAll})
     */
    @Override
    public E decode(EncodedEvent encoded) {
        Optional<E> direct = decodeCurrent(encoded);
        if (direct.isPresent()) {
            return direct.get();
        }
        UpcastChain.Direct<E> path = chain.direct(encoded.type(), encoded.schemaVersion());
        if (path != null) {
            return upcastDirectly(encoded, path);
        }
        List<E> events = upcastAndBind(encoded);
        if (events.size() != 1) {
            throw new IllegalArgumentException("'" + encoded.type() + "' version " + encoded.schemaVersion()
                    + " upcasts to " + events.size() + " events, not one: read it with decodeAll");
        }
        return events.get(0);
    }

    /**
     * The current events a stored event stands for, in order: one, or none when an {@link EventUpcaster} drops it, or
     * several when one splits it.
     *
     * @throws IllegalArgumentException as described in the class comment
     */
    @Override
    public List<E> decodeAll(EncodedEvent encoded) {
        Optional<E> direct = decodeCurrent(encoded);
        if (direct.isPresent()) {
            return List.of(direct.get());
        }
        UpcastChain.Direct<E> path = chain.direct(encoded.type(), encoded.schemaVersion());
        if (path != null) {
            return List.of(upcastDirectly(encoded, path));
        }
        return upcastAndBind(encoded);
    }

    /** The general path: the chain walked step by step (splits, drops, retypes, aliases), each result bound. */
    private List<E> upcastAndBind(EncodedEvent encoded) {
        List<UpcastEvent> current =
                chain.upcast(new UpcastEvent(encoded.type(), encoded.schemaVersion(), tree(encoded)));
        List<E> events = new ArrayList<>(current.size());
        for (UpcastEvent c : current) {
            events.add(bind(c.json(), chain.registrationOf(c)));
        }
        return List.copyOf(events);
    }

    /**
     * The hot path of upcasting: a stored version that 1:1 upcasters alone lift (resolved when the codec was built) –
     * one tree, the upcasters applied in order, one binding with the event class's cached reader; nothing looked up or
     * allocated beyond that. Same results and errors as the general path.
     */
    private E upcastDirectly(EncodedEvent encoded, UpcastChain.Direct<E> path) {
        ObjectNode json = objectTree(encoded.payload()); // a direct path exists only for a registered type
        int version = path.fromVersion();
        for (Upcaster upcaster : path.upcasters()) {
            try {
                json = upcaster.apply(json);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "the upcaster of '" + path.name() + "' from version " + version + " failed: " + e.getMessage(),
                        e);
            }
            version++;
        }
        return bind(json, path.target());
    }

    /** Whether stored events of {@code type} at {@code version} take the hot path (for tests). */
    boolean upcastsDirectly(String type, int version) {
        return chain.direct(type, version) != null;
    }

    private E bind(ObjectNode json, EventTypeRegistry.Registration<E> r) {
        try {
            return treeReaders.get(r.type()).readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "payload does not fit " + r.type().getName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // as ObjectMapper.treeToValue reports it
        }
    }

    /**
     * The stored event lifted to the current versions, as JSON, without binding it to records: what {@link #decodeAll}
     * binds. Used to copy-and-transform a stream and by the upcaster laws.
     *
     * @throws IllegalArgumentException for an unknown type, a newer version, no upcaster path or a payload that is
     *     not a JSON object
     */
    public List<EncodedEvent> upcast(EncodedEvent encoded) {
        if (chain.isCurrent(encoded.type(), encoded.schemaVersion())) {
            tree(encoded); // the same refusal of a non-object payload as on the upcasting path
            return List.of(encoded);
        }
        return encodedAll(chain.upcast(new UpcastEvent(encoded.type(), encoded.schemaVersion(), tree(encoded))));
    }

    /**
     * One step of the chain: what the upcaster of the stored type and version produces (other versions or types,
     * not necessarily current), or empty when the event is already at its type's current version and name. For
     * every stored event, {@code decodeAll(e)} equals the concatenation of {@code decodeAll} over {@code
     * upcastStep(e)} – the law that chains compose.
     */
    public Optional<List<EncodedEvent>> upcastStep(EncodedEvent encoded) {
        return chain.step(new UpcastEvent(encoded.type(), encoded.schemaVersion(), tree(encoded)))
                .map(this::encodedAll);
    }

    /** Whether events of the stored name at this schema version can be read (current, or an upcaster path). */
    public boolean reads(String type, int schemaVersion) {
        return chain.reads(type, schemaVersion);
    }

    private List<EncodedEvent> encodedAll(List<UpcastEvent> events) {
        List<EncodedEvent> out = new ArrayList<>(events.size());
        for (UpcastEvent e : events) {
            try {
                out.add(new EncodedEvent(e.type(), e.version(), mapper.writeValueAsBytes(e.json())));
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("cannot write upcast JSON: " + ex.getOriginalMessage(), ex);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The hot path of every load and every projection: an event at its current version and name binds its bytes
     * directly, without building a tree first (the tree costs about as much again).
     */
    private Optional<E> decodeCurrent(EncodedEvent encoded) {
        Optional<EventTypeRegistry.Registration<E>> registered = registry.registrationNamed(encoded.type());
        if (registered.isEmpty()
                || registered.get().version() != encoded.schemaVersion()
                || !startsWithObject(encoded.payload())) {
            return Optional.empty();
        }
        EventTypeRegistry.Registration<E> r = registered.get();
        try {
            return Optional.of(mapper.readValue(encoded.payload(), r.type()));
        } catch (StreamReadException e) {
            throw new IllegalArgumentException("payload is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "payload does not fit " + r.type().getName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
        }
    }

    private ObjectNode tree(EncodedEvent encoded) {
        chain.requireKnown(encoded.type());
        return objectTree(encoded.payload());
    }

    /** The payload as a JSON object tree; the caller has checked the type is known. */
    private ObjectNode objectTree(byte[] payload) {
        JsonNode tree;
        try {
            tree = mapper.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode json)) {
            throw new IllegalArgumentException("payload is not a JSON object but " + describe(tree));
        }
        return json;
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

    private static String describe(JsonNode tree) {
        return tree == null || tree.isMissingNode()
                ? "empty"
                : tree.getNodeType().toString().toLowerCase();
    }

    /** Builds a {@link JsonEventCodec}. */
    public static final class Builder<E> {
        private final EventTypeRegistry.Builder<E> types;
        private final List<Upcaster> upcasters = new ArrayList<>();
        private final List<EventUpcaster> general = new ArrayList<>();
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

        /**
         * Adds an upcaster that splits, drops or retypes stored events (see {@link EventUpcaster}); it takes the place
         * of the 1:1 upcaster of its type and version in the chain.
         */
        public Builder<E> upcaster(EventUpcaster upcaster) {
            general.add(Objects.requireNonNull(upcaster, "upcaster"));
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
            return new JsonEventCodec<>(r, mapper != null ? mapper : VerdictObjectMapper.create(), upcasters, general);
        }
    }
}
